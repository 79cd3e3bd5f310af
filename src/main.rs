fn main() -> std::process::ExitCode {
    layerlab::cli::main()
}
