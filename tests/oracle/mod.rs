//! Cases whose answers come from real PyTorch (written by
//! `scripts/tree_cases.py` and `scripts/seq_cases.py`), held against the
//! engine: every top-level layer's output shape and parameters, the total,
//! and where PyTorch refused to run.

use layerlab::engine::analyze;
use layerlab::file::parse;

/// Checks every case in `json`; gives how many ran and how many PyTorch refused.
pub fn check(json: &str) -> (usize, usize) {
    let cases: serde_json::Value = serde_json::from_str(json).unwrap();
    let (mut valid, mut refused) = (0, 0);
    for case in cases.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let expected = &case["expected"];
        let n = parse(case["toml"].as_str().unwrap()).unwrap();
        let a = analyze(&n);
        let error_at = a.error_at.map(|i| i as u64 + 1);
        assert_eq!(error_at, expected["error_at"].as_u64(), "{name}");
        if error_at.is_some() {
            refused += 1;
        } else {
            valid += 1;
            assert_eq!(a.totals.params, expected["total_params"].as_u64(), "{name}");
        }
        for (i, (out, params)) in (expected["outputs"].as_array().unwrap().iter())
            .zip(expected["params"].as_array().unwrap())
            .enumerate()
        {
            let row = &a.rows[i];
            let shape: Vec<u64> = (out.as_array().unwrap().iter())
                .map(|v| v.as_u64().unwrap())
                .collect();
            assert_eq!(
                row.output.map(|s| s.to_vec()),
                Some(shape),
                "{name} layer {}",
                i + 1
            );
            assert_eq!(row.params, params.as_u64(), "{name} layer {}", i + 1);
        }
    }
    (valid, refused)
}
