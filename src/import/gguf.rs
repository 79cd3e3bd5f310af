//! A GGUF file's header (llama.cpp's format): the name, type and shape of
//! every tensor, read without the weights, so that `layerlab weights`
//! counts a quantized model's parameters and bytes by quantization type as
//! it counts a safetensors file's. The metadata before the tensors (the
//! tokenizer's vocabulary among it) is read past, never kept.

use super::safetensors::Tensor;
use std::io::Read;

/// The four bytes every GGUF file starts with.
const MAGIC: &[u8; 4] = b"GGUF";

/// Past these a header is not one: refused rather than read until memory
/// runs out (a real model has a few hundred tensors and a few dozen keys;
/// a vocabulary array, a few hundred thousand strings).
const MAX_TENSORS: u64 = 1 << 20;
const MAX_KEYS: u64 = 1 << 16;
const MAX_ARRAY: u64 = 1 << 28;
const MAX_STRING: u64 = 1 << 26;
const MAX_DIMS: u32 = 8;

/// ggml's tensor types by number, as gguf-py's `GGMLQuantizationType`
/// names them, with their blocks: (values a block, bytes a block), from
/// gguf-py's `GGML_QUANT_SIZES`.
const TYPES: &[(u32, &str, u64, u64)] = &[
    (0, "F32", 1, 4),
    (1, "F16", 1, 2),
    (2, "Q4_0", 32, 18),
    (3, "Q4_1", 32, 20),
    (6, "Q5_0", 32, 22),
    (7, "Q5_1", 32, 24),
    (8, "Q8_0", 32, 34),
    (9, "Q8_1", 32, 40),
    (10, "Q2_K", 256, 84),
    (11, "Q3_K", 256, 110),
    (12, "Q4_K", 256, 144),
    (13, "Q5_K", 256, 176),
    (14, "Q6_K", 256, 210),
    (15, "Q8_K", 256, 292),
    (16, "IQ2_XXS", 256, 66),
    (17, "IQ2_XS", 256, 74),
    (18, "IQ3_XXS", 256, 98),
    (19, "IQ1_S", 256, 50),
    (20, "IQ4_NL", 32, 18),
    (21, "IQ3_S", 256, 110),
    (22, "IQ2_S", 256, 82),
    (23, "IQ4_XS", 256, 136),
    (24, "I8", 1, 1),
    (25, "I16", 1, 2),
    (26, "I32", 1, 4),
    (27, "I64", 1, 8),
    (28, "F64", 1, 8),
    (29, "IQ1_M", 256, 56),
    (30, "BF16", 1, 2),
    (34, "TQ1_0", 256, 54),
    (35, "TQ2_0", 256, 66),
    (39, "MXFP4", 32, 17),
];

/// The bytes `n` values of the GGUF type `name` take: whole blocks.
/// `None` for a name that is not a GGUF type, or a count past u64.
pub fn bytes_of(name: &str, n: u64) -> Option<u64> {
    let &(_, _, block, size) = TYPES.iter().find(|t| t.1 == name)?;
    n.div_ceil(block).checked_mul(size)
}

/// Whether the file at `path` starts as a GGUF file does.
pub fn is_gguf(path: &std::path::Path) -> bool {
    let mut start = [0u8; 4];
    crate::file::regular(path).is_ok()
        && std::fs::File::open(path)
            .and_then(|mut f| f.read_exact(&mut start))
            .is_ok()
        && &start == MAGIC
}

/// The tensors of the GGUF file at `path`, from its header.
pub fn read(path: &std::path::Path) -> Result<Vec<Tensor>, String> {
    let cannot =
        |e: std::io::Error| t!("file-cannot-read-the-file-e", e = crate::i18n::io_error(&e));
    crate::file::regular(path)?;
    let file = std::fs::File::open(path).map_err(cannot)?;
    tensors(std::io::BufReader::new(file))
}

/// The tensors of a GGUF header read from `from`.
pub fn tensors(mut from: impl Read) -> Result<Vec<Tensor>, String> {
    let mut r = Reader { from: &mut from };
    let mut magic = [0u8; 4];
    r.bytes(&mut magic)?;
    if &magic != MAGIC {
        return Err(t!("gguf-not-gguf"));
    }
    let version = r.u32()?;
    if !(2..=3).contains(&version) {
        return Err(t!("gguf-version", version = version.to_string()));
    }
    let count = r.u64()?;
    let keys = r.u64()?;
    if count > MAX_TENSORS || keys > MAX_KEYS {
        return Err(t!("gguf-too-many"));
    }
    for _ in 0..keys {
        r.skip_string()?;
        let kind = r.u32()?;
        r.skip_value(kind)?;
    }
    let mut out = Vec::new();
    for _ in 0..count {
        let name = r.string()?;
        let dims = r.u32()?;
        if dims > MAX_DIMS {
            return Err(t!("gguf-bad-tensor", name = name));
        }
        let shape = (0..dims)
            .map(|_| r.u64())
            .collect::<Result<Vec<u64>, _>>()?;
        let kind = r.u32()?;
        let _offset = r.u64()?;
        let Some(&(_, dtype, _, _)) = TYPES.iter().find(|t| t.0 == kind) else {
            return Err(t!(
                "gguf-unknown-type",
                kind = kind.to_string(),
                name = name
            ));
        };
        out.push(Tensor {
            name,
            dtype: dtype.to_string(),
            // GGUF lists the fastest-moving dimension first; PyTorch's
            // order puts it last.
            shape: shape.into_iter().rev().collect(),
        });
    }
    Ok(out)
}

struct Reader<'a, R: Read> {
    from: &'a mut R,
}

impl<R: Read> Reader<'_, R> {
    fn bytes(&mut self, buf: &mut [u8]) -> Result<(), String> {
        self.from.read_exact(buf).map_err(|_| t!("gguf-cut-short"))
    }

    fn u32(&mut self) -> Result<u32, String> {
        let mut b = [0u8; 4];
        self.bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn u64(&mut self) -> Result<u64, String> {
        let mut b = [0u8; 8];
        self.bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn skip(&mut self, n: u64) -> Result<(), String> {
        let skipped = std::io::copy(&mut self.from.take(n), &mut std::io::sink())
            .map_err(|_| t!("gguf-cut-short"))?;
        if skipped == n {
            Ok(())
        } else {
            Err(t!("gguf-cut-short"))
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let n = self.u64()?;
        if n > MAX_STRING {
            return Err(t!("gguf-too-many"));
        }
        let mut buf = Vec::new();
        self.from
            .take(n)
            .read_to_end(&mut buf)
            .map_err(|_| t!("gguf-cut-short"))?;
        if buf.len() as u64 != n {
            return Err(t!("gguf-cut-short"));
        }
        Ok(String::from_utf8_lossy(&buf).into_owned())
    }

    fn skip_string(&mut self) -> Result<(), String> {
        let n = self.u64()?;
        if n > MAX_STRING {
            return Err(t!("gguf-too-many"));
        }
        self.skip(n)
    }

    /// Reads past one metadata value of type `kind`.
    fn skip_value(&mut self, kind: u32) -> Result<(), String> {
        match kind {
            0 | 1 | 7 => self.skip(1),
            2 | 3 => self.skip(2),
            4..=6 => self.skip(4),
            10..=12 => self.skip(8),
            8 => self.skip_string(),
            9 => {
                let inner = self.u32()?;
                let n = self.u64()?;
                if n > MAX_ARRAY || inner == 9 {
                    return Err(t!("gguf-too-many"));
                }
                let fixed = match inner {
                    0 | 1 | 7 => Some(1),
                    2 | 3 => Some(2),
                    4..=6 => Some(4),
                    10..=12 => Some(8),
                    _ => None,
                };
                match fixed {
                    Some(size) => {
                        self.skip(n.checked_mul(size).ok_or_else(|| t!("gguf-too-many"))?)
                    }
                    None => (0..n).try_for_each(|_| self.skip_value(inner)),
                }
            }
            _ => Err(t!("gguf-unknown-value", kind = kind.to_string())),
        }
    }
}
