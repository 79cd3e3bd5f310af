//! A `.safetensors` file's header: the name, dtype and shape of every
//! tensor, which is all it takes to count a model's parameters and the bytes
//! of its weights exactly, for any model on a hub. Only the header is read
//! (its first 8 bytes say how long it is), never the weights.

use serde_json::Value as Json;
use std::collections::BTreeMap;

/// One tensor as the header lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tensor {
    pub name: String,
    pub dtype: String,
    pub shape: Vec<u64>,
}

impl Tensor {
    /// How many values it holds (1 for a scalar), or `None` past u64.
    pub fn elements(&self) -> Option<u64> {
        self.shape.iter().try_fold(1u64, |a, &d| a.checked_mul(d))
    }
}

/// The bytes of one value of `dtype`, as the format names them.
pub fn dtype_bytes(dtype: &str) -> Option<u64> {
    Some(match dtype {
        "F64" | "I64" | "U64" => 8,
        "F32" | "I32" | "U32" => 4,
        "F16" | "BF16" | "I16" | "U16" => 2,
        "F8_E4M3" | "F8_E5M2" | "I8" | "U8" | "BOOL" => 1,
        _ => return None,
    })
}

/// The longest header read: the format's own limit is 100 MB.
pub const MAX_HEADER: u64 = 100 << 20;

/// The tensors of a header (`json`, the bytes after the 8-byte length).
/// Read one entry at a time: a 90 MB header of a million tensors as one
/// JSON tree took 1.7 GB; the tensors alone take a tenth of that.
pub fn tensors(json: &[u8]) -> Result<Vec<Tensor>, String> {
    use serde::Deserializer;
    let mut reader = serde_json::Deserializer::from_slice(json);
    let read = reader.deserialize_map(Entries).and_then(|found| {
        reader.end()?;
        Ok(found)
    });
    match read {
        Ok(Ok(tensors)) => Ok(tensors),
        Ok(Err(name)) => Err(t!("safetensors-bad-tensor", name = name)),
        // Well-formed JSON of another shape (a list, a number).
        Err(e) if e.classify() == serde_json::error::Category::Data => {
            Err(t!("safetensors-not-a-header"))
        }
        Err(e) => Err(t!("import-bad-json", why = e.to_string())),
    }
}

/// The header's entries as tensors, or the name of the first that has no
/// dtype and shape (the rest are still read, so that a syntax error past
/// it is the one said).
struct Entries;

impl<'de> serde::de::Visitor<'de> for Entries {
    type Value = Result<Vec<Tensor>, String>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object of tensors")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::IgnoredAny;
        let mut out = Vec::new();
        let mut bad = None;
        while let Some(name) = map.next_key::<String>()? {
            if bad.is_some() || name == "__metadata__" {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let t: Json = map.next_value()?;
            let dtype = t.get("dtype").and_then(Json::as_str);
            let shape: Option<Vec<u64>> = t
                .get("shape")
                .and_then(Json::as_array)
                .and_then(|a| a.iter().map(Json::as_u64).collect());
            match (dtype, shape) {
                (Some(dtype), Some(shape)) => out.push(Tensor {
                    dtype: dtype.to_string(),
                    name,
                    shape,
                }),
                _ => bad = Some(name),
            }
        }
        Ok(match bad {
            Some(name) => Err(name),
            None => Ok(out),
        })
    }
}

/// What a header adds up to: parameters and bytes, in all and by dtype,
/// and by module (the tensor names without their last part, numbers read
/// as `*` so the 32 layers of a model are one row).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub tensors: usize,
    /// Values that train: every tensor but the buffers.
    pub params: u64,
    /// Values of buffers: PyTorch's batch-norm running statistics, which a
    /// state dict saves but `parameters()` does not count.
    pub buffers: u64,
    /// Bytes of every tensor, buffers included: what loading the file takes.
    pub bytes: u64,
    /// dtype → (values, bytes)
    pub by_dtype: BTreeMap<String, (u64, u64)>,
    /// module pattern → (tensors, values)
    pub by_module: BTreeMap<String, (usize, u64)>,
}

/// Whether a tensor is one of the buffers PyTorch saves beside the
/// parameters: batch norm's running mean and variance and its step count.
fn is_buffer(name: &str) -> bool {
    let last = name.rsplit('.').next().unwrap_or(name);
    matches!(last, "running_mean" | "running_var" | "num_batches_tracked")
}

pub fn summary(tensors: &[Tensor]) -> Result<Summary, String> {
    let mut s = Summary {
        tensors: tensors.len(),
        ..Summary::default()
    };
    for t in tensors {
        let n = t
            .elements()
            .ok_or_else(|| t!("safetensors-too-large", name = t.name.clone()))?;
        let unknown = || {
            t!(
                "safetensors-unknown-dtype",
                dtype = t.dtype.clone(),
                name = t.name.clone()
            )
        };
        // A value's bytes, or a GGUF type's whole blocks.
        let bytes = match dtype_bytes(&t.dtype) {
            Some(per) => n.checked_mul(per),
            None => Some(super::gguf::bytes_of(&t.dtype, n).ok_or_else(unknown)?),
        }
        .ok_or_else(|| t!("safetensors-too-large", name = t.name.clone()))?;
        // A total past 2^64 is said to be so, never shown saturated as if exact.
        let too_large = || t!("safetensors-total-too-large");
        if is_buffer(&t.name) {
            s.buffers = s.buffers.checked_add(n).ok_or_else(too_large)?;
        } else {
            s.params = s.params.checked_add(n).ok_or_else(too_large)?;
        }
        s.bytes = s.bytes.checked_add(bytes).ok_or_else(too_large)?;
        let d = s.by_dtype.entry(t.dtype.clone()).or_default();
        d.0 = d.0.checked_add(n).ok_or_else(too_large)?;
        d.1 = d.1.checked_add(bytes).ok_or_else(too_large)?;
        // The module table counts parameters.
        if is_buffer(&t.name) {
            continue;
        }
        let module: Vec<&str> = t
            .name
            .rsplit_once('.')
            .map_or("", |(m, _)| m)
            .split('.')
            .map(|p| {
                if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() {
                    "*"
                } else {
                    p
                }
            })
            .collect();
        let m = s.by_module.entry(module.join(".")).or_default();
        m.0 += 1;
        m.1 = m.1.checked_add(n).ok_or_else(too_large)?;
    }
    Ok(s)
}

/// The header of the file at `path`: its length from the first 8 bytes
/// (little-endian), then that many bytes of JSON; the weights are not read.
pub fn read(path: &std::path::Path) -> Result<Vec<Tensor>, String> {
    use std::io::Read;
    let cannot =
        |e: std::io::Error| t!("file-cannot-read-the-file-e", e = crate::i18n::io_error(&e));
    crate::file::regular(path)?;
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let mut len = [0u8; 8];
    file.read_exact(&mut len)
        .map_err(|_| t!("safetensors-too-short"))?;
    let len = u64::from_le_bytes(len);
    if len > MAX_HEADER {
        return Err(t!("safetensors-header-too-long", len = len.to_string()));
    }
    let mut json = Vec::new();
    file.take(len).read_to_end(&mut json).map_err(cannot)?;
    if json.len() as u64 != len {
        return Err(t!("safetensors-too-short"));
    }
    tensors(&json)
}

/// Whether the file at `path` looks like a safetensors file: its name, or
/// a header length followed by `{`.
pub fn is_safetensors(path: &std::path::Path) -> bool {
    use std::io::Read;
    if path.extension().is_some_and(|e| e == "safetensors") {
        return true;
    }
    let mut start = [0u8; 9];
    if crate::file::regular(path).is_err() {
        return false;
    }
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut start))
        .is_ok_and(|()| {
            let len = u64::from_le_bytes(start[..8].try_into().unwrap_or([0; 8]));
            start[8] == b'{' && len > 1 && len <= MAX_HEADER
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_adds_up_by_dtype_and_module() {
        let json = br#"{"__metadata__": {"format": "pt"},
            "model.layers.0.mlp.up.weight": {"dtype": "BF16", "shape": [8, 4], "data_offsets": [0, 64]},
            "model.layers.1.mlp.up.weight": {"dtype": "BF16", "shape": [8, 4], "data_offsets": [64, 128]},
            "model.norm.weight": {"dtype": "F32", "shape": [4], "data_offsets": [128, 144]},
            "scale": {"dtype": "F32", "shape": [], "data_offsets": [144, 148]}}"#;
        let t = tensors(json).unwrap();
        let s = summary(&t).unwrap();
        assert_eq!((s.tensors, s.params, s.bytes), (4, 69, 148));
        assert_eq!(s.by_dtype["BF16"], (64, 128));
        assert_eq!(s.by_module["model.layers.*.mlp.up"], (2, 64));
        assert_eq!(s.by_module["model.norm"], (1, 4));
        assert_eq!(s.by_module[""], (1, 1), "a scalar is one value");
    }

    #[test]
    fn what_is_not_a_header_says_so() {
        assert!(tensors(b"[1, 2]").is_err());
        assert!(
            tensors(br#"{"w": {"dtype": "F32"}}"#)
                .unwrap_err()
                .contains("“w”")
        );
        let t = tensors(br#"{"w": {"dtype": "Q4", "shape": [2]}}"#).unwrap();
        assert!(summary(&t).unwrap_err().contains("Q4"));
        let t = tensors(br#"{"w": {"dtype": "F32", "shape": [4294967296, 4294967296]}}"#).unwrap();
        assert!(summary(&t).is_err(), "past u64 is refused, not wrapped");
    }
}
