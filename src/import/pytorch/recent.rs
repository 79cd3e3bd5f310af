//! Blocks of the families timm and torchvision added after the classic
//! CNNs, by what their `forward` does: MetaFormer's attention stages,
//! split attention (ResNeSt, SKNet), global context (GCNet), gated MLPs,
//! the pair SelecSLS carries, FastViT's and MambaOut's blocks, LRASPP.
//! Where a forward splits, reuses or carries maps it is written with
//! `slice`, `add`, `concat` and `multiply`, so that no weight is copied.

use super::blocks::{branch_base, conv_channels, fold, merge, resize_to, slice};
use super::{Args, Ctx, Node, boolean};
use crate::import::{make, output_of};
use crate::layer::{Field, Kind, Layer, Value};
use crate::network::Shape;

impl Ctx {
    /// MetaFormer's `Attention`: one fused `qkv` Linear (E → 3E) and
    /// `proj` (E → E) over tokens, layerlab's `attention`. Its heads are
    /// not printed and change no count (said); any child but those and
    /// dropouts (a norm of the queries, say) is refused by name.
    pub(super) fn fused_attention(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let linear = |name| {
            let c = Self::child(node, name)?;
            let args = Args::of(&c.args);
            let n = |key, at| args.get(key, at)?.parse::<u64>().ok();
            let bias = args.named("bias").and_then(boolean).unwrap_or(true);
            (c.class == "Linear").then_some((n("in_features", 0)?, n("out_features", 1)?, bias))
        };
        let (Some((e, three, bias)), Some((pe, po, out_bias))) = (linear("qkv"), linear("proj"))
        else {
            return self.lacks(node, "qkv");
        };
        if three != e.saturating_mul(3) || pe != e || po != e {
            let message = t!(
                "import-fused-qkv",
                e = e.to_string(),
                three = three.to_string(),
                proj = format!("{pe} → {po}")
            );
            return self.fail(node, message);
        }
        self.mark_read(node);
        let passive = ["Identity", "Dropout"];
        for c in &node.children {
            if !["qkv", "proj"].contains(&c.name.as_str()) && !passive.contains(&c.class.as_str()) {
                let message = t!("import-unknown-module", class = c.class.clone());
                return self.fail(c, message);
            }
        }
        let here = output_of(input, list).unwrap_or(input);
        if !matches!(here, Shape::Matrix { .. }) || here.last() != e {
            let message = t!(
                "import-features",
                want = e.to_string(),
                got = here.to_string()
            );
            return self.fail(node, message);
        }
        let layer = make(
            Kind::Attention,
            &[
                (Field::Heads, Value::Int(1)),
                (Field::Bias, Value::Bool(bias)),
                (Field::OutBias, Value::Bool(out_bias)),
            ],
        );
        match layer {
            Ok(layer) => self.push(list, base, layer, Some(t!("import-heads-unknown"))),
            Err(e) => self.fail(node, e),
        }
    }

    /// timm's `MetaFormerStage`: `downsample`, then `blocks` — on the map
    /// itself, or, when its blocks mix tokens by attention (CAFormer's last
    /// stages), on the map's positions as tokens, folded back after.
    pub(super) fn metaformer_stage(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        self.run(node, &["downsample"], input, list, base);
        let attends = Self::child(node, "blocks")
            .and_then(|b| b.children.first())
            .and_then(|b| Self::child(b, "token_mixer"))
            .is_some_and(|m| m.class == "Attention");
        let here = output_of(input, list).unwrap_or(input);
        let Shape::Image { h, w, .. } = here else {
            return self.run(node, &["blocks"], input, list, base);
        };
        if !attends {
            return self.run(node, &["blocks"], input, list, base);
        }
        let Ok(fold) = fold(h, w) else {
            return self.lacks(node, "blocks");
        };
        let note = t!("import-stage-tokens", class = node.class.clone());
        self.push(list, base, Layer::new(Kind::ToTokens), Some(note));
        self.run(node, &["blocks"], input, list, base);
        self.push(list, base, fold, None);
    }
}

impl Ctx {
    /// timm's `SplitAttn` (ResNeSt's split attention). `conv` makes
    /// `radix` groups of C channels; their sum, pooled to a value per
    /// channel, goes through `fc1`, `bn1`, `act1` and `fc2` to a weight per
    /// channel of each group (`RadixSoftmax`: a softmax across the groups,
    /// a sigmoid for one); each group times its weights, summed. Written as
    /// the maps times that gate (a multiply that stretches its 1×1), then
    /// the groups' sum (an add of slices): no weight is copied.
    pub(super) fn split_attn(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let names = Self::present(node, &["conv", "bn0", "drop", "act0"]);
        self.run(node, &names, input, list, base);
        let Some(x) = output_of(input, list) else {
            return;
        };
        let c = Self::child(node, "fc1")
            .and_then(conv_channels)
            .map(|(c, _)| c);
        let Some(c) = c.filter(|&c| c > 0) else {
            return self.lacks(node, "fc1");
        };
        let radix = x.channels() / c;
        if radix == 0 || radix * c != x.channels() {
            let message = t!(
                "import-channels",
                want = format!("{c} × radix"),
                got = x.channels().to_string()
            );
            return self.fail(node, message);
        }
        if Self::child(node, "rsoftmax").is_none_or(|r| r.class != "RadixSoftmax") {
            return self.lacks(node, "rsoftmax");
        }
        let gate = ["fc1", "bn1", "act1", "fc2"];
        self.weigh_groups(node, node, &gate, (c, radix), input, list, base);
    }

    /// timm's `SelectiveKernel` (SKNet): its `paths` (convolutions of the
    /// input, or of its equal parts when their inputs add up to it) side by
    /// side, then weighed as ResNeSt's groups are, by `attn`'s gate
    /// (`fc_reduce` → `fc_select`, a softmax across the paths).
    pub(super) fn selective_kernel(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let (Some(paths), Some(attn)) = (Self::child(node, "paths"), Self::child(node, "attn"))
        else {
            return self.lacks(node, "paths");
        };
        let Some(paths) = self.listed(paths) else {
            return;
        };
        let first_in = |p: &Node| Self::child(p, "conv").and_then(conv_channels);
        let ins: Option<Vec<(u64, u64)>> = paths.iter().map(|p| first_in(p)).collect();
        let Some(ins) = ins.filter(|i| !i.is_empty()) else {
            return self.lacks(node, "paths");
        };
        let radix = ins.len() as u64;
        let (part, c) = ins[0];
        let split = part.saturating_mul(radix) == here.channels() && radix > 1;
        if ins.iter().any(|&i| i != (part, c)) || (!split && part != here.channels()) {
            let message = t!(
                "import-split-mismatch",
                class = node.class.clone(),
                channels = here.channels().to_string(),
                parts = radix.to_string()
            );
            return self.fail(node, message);
        }
        let mut branches = Vec::new();
        for (b, path) in paths.iter().enumerate() {
            let at = branch_base(base, list, b);
            let mut out = Vec::new();
            if split {
                let start = b as u64 * part;
                match slice(start, start + part) {
                    Ok(layer) => self.push(&mut out, &at, layer, None),
                    Err(e) => return self.fail(node, e),
                }
            }
            self.module_once(path, here, &mut out, &at);
            branches.push(out);
        }
        list.push(merge(Kind::Concat, branches));
        let gate = ["fc_reduce", "bn", "act", "fc_select"];
        self.weigh_groups(node, attn, &gate, (c, radix), input, list, base);
    }

    /// What ResNeSt and SKNet do with `radix` groups of `c` channels (the
    /// end of `list`): times a gate made by `gate` (children of `owner`)
    /// from the groups' sum pooled to one value a channel, then summed.
    #[allow(clippy::too_many_arguments)]
    fn weigh_groups(
        &mut self,
        node: &Node,
        owner: &Node,
        gate_names: &[&str],
        (c, radix): (u64, u64),
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let Some(x) = output_of(input, list) else {
            return;
        };
        // The groups' sum: an add of a slice per group.
        let groups = || -> Result<Layer, String> {
            let parts: Result<Vec<_>, String> = (0..radix)
                .map(|r| Ok(vec![slice(r * c, (r + 1) * c)?]))
                .collect();
            Ok(merge(Kind::Add, parts?))
        };
        let at = branch_base(base, list, 1);
        let mut gate = Vec::new();
        if radix > 1 {
            match groups() {
                Ok(sum) => gate.push(sum),
                Err(e) => return self.fail(node, e),
            }
        }
        let Ok(pool) = make(Kind::AdaptiveAvgPool, &[(Field::Output, Value::Int(1))]) else {
            return self.lacks(node, "fc1");
        };
        let note = self.unsaid(t!("import-split-attn", class = node.class.clone()));
        self.push(&mut gate, &at, pool, note);
        let names = Self::present(owner, gate_names);
        self.run(owner, &names, x, &mut gate, &at);
        let weigh = if radix > 1 {
            Kind::Softmax
        } else {
            Kind::Sigmoid
        };
        self.push(&mut gate, &at, Layer::new(weigh), None);
        list.push(merge(Kind::Multiply, vec![Vec::new(), gate]));
        if radix > 1 {
            match groups() {
                Ok(sum) => list.push(sum),
                Err(e) => self.fail(node, e),
            }
        }
    }
}

impl Ctx {
    /// timm's `GlobalContext` (GCNet): a context per channel — the map
    /// summed over its positions weighted by a softmax of `conv_attn`'s one
    /// channel (the plain mean without it) — through `mlp_scale` and
    /// `gate` to scale the map, or through `mlp_add` to be added to every
    /// position. Written as a multiply by the softmax and an average
    /// (the weighted sum over H·W, no weights either way), and the added
    /// context stretched back to the map's size (an upsample, as adding a
    /// 1×1 does); a block with both MLPs is refused by name.
    pub(super) fn global_context(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let (scale, add) = (
            Self::child(node, "mlp_scale").filter(|m| m.class != "Identity"),
            Self::child(node, "mlp_add").filter(|m| m.class != "Identity"),
        );
        let Shape::Image { h, w, .. } = here else {
            return self.fail(node, t!("import-needs-map", class = node.class.clone()));
        };
        let (mlp, kind) = match (scale, add) {
            (Some(_), None) => ("mlp_scale", Kind::Multiply),
            (None, Some(_)) => ("mlp_add", Kind::Add),
            _ => return self.lacks(node, "mlp_add"),
        };
        let at = branch_base(base, list, 1);
        let mut context = Vec::new();
        if let Some(attn) = Self::child(node, "conv_attn") {
            let mut weights = Vec::new();
            let inner = [at.as_slice(), &[0, 1]].concat();
            self.module(attn, here, &mut weights, &inner);
            self.push(&mut weights, &inner, Layer::new(Kind::Softmax), None);
            context.push(merge(Kind::Multiply, vec![Vec::new(), weights]));
        }
        let pool = make(Kind::AdaptiveAvgPool, &[(Field::Output, Value::Int(1))]);
        let (Ok(pool), Ok(up)) = (pool, resize_to(h, w, "nearest")) else {
            return self.lacks(node, "conv_attn");
        };
        let note = self.unsaid(t!("import-global-context", class = node.class.clone()));
        self.push(&mut context, &at, pool, note);
        let names: &[&str] = if kind == Kind::Multiply {
            &[mlp, "gate"]
        } else {
            &[mlp]
        };
        self.run(node, names, here, &mut context, &at);
        if kind == Kind::Add {
            self.push(&mut context, &at, up, None);
        }
        list.push(merge(kind, vec![Vec::new(), context]));
    }
}

impl Ctx {
    /// StarNet's `Block`: `dwconv`, then the "star" — `act(f1(x)) * f2(x)`
    /// — then `g`, `dwconv2`, added to the input.
    pub(super) fn star_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let at = branch_base(base, list, 0);
        let mut body = Vec::new();
        self.run(node, &["dwconv"], here, &mut body, &at);
        let mid = output_of(here, &body).unwrap_or(here);
        let star = [at.as_slice(), &[body.len()]].concat();
        let first = self.branch(node, &["f1", "act"], mid, &[], &star, 0);
        let second = self.branch(node, &["f2"], mid, &[], &star, 1);
        body.push(merge(Kind::Multiply, vec![first, second]));
        let names = Self::present(node, &["g", "dwconv2", "drop_path"]);
        self.run(node, &names, here, &mut body, &at);
        list.push(merge(Kind::Add, vec![body, Vec::new()]));
    }

    /// RepViT's `RepVitClassifier`: with `head_dist`, the two heads' mean
    /// (an add; the halving has no weights, said); else `head` alone.
    pub(super) fn distilled_head(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let names = Self::present(node, &["head_drop", "pre_logits"]);
        self.run(node, &names, input, list, base);
        if Self::child(node, "head_dist").is_none_or(|h| h.class == "Identity") {
            return self.run(node, &["head"], input, list, base);
        }
        let here = output_of(input, list).unwrap_or(input);
        let first = self.branch(node, &["head"], here, list, base, 0);
        let second = self.branch(node, &["head_dist"], here, list, base, 1);
        let note = t!("import-distilled-heads", class = node.class.clone());
        self.notes.insert([base, &[list.len()]].concat(), note);
        list.push(merge(Kind::Add, vec![first, second]));
    }
}

impl Ctx {
    /// timm's `GluMlp`: `fc1` makes twice the hidden width, split in two
    /// halves, one times `act` of the other, then `fc2`. Written as two
    /// dense layers of half `fc1`'s width — its two halves, the same
    /// weights — multiplied, one through `act` (which half is not printed;
    /// it changes no count or shape).
    pub(super) fn glu_mlp(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let Some(half) = self.fc1_half(node, here) else {
            return;
        };
        let at = branch_base(base, list, 1);
        let mut gate = Vec::new();
        let note = self.unsaid(t!("import-glu", class = node.class.clone()));
        self.push(&mut gate, &at, half.clone(), note);
        self.run(node, &["act"], here, &mut gate, &at);
        let mut value = Vec::new();
        self.push(&mut value, &branch_base(base, list, 0), half, None);
        list.push(merge(Kind::Multiply, vec![value, gate]));
        let names = Self::present(node, &["drop1", "norm", "fc2", "drop2"]);
        self.run(node, &names, input, list, base);
    }
}

impl Ctx {
    /// torchvision's `LRASPP`: its backbone's maps are read at two depths.
    /// The low one — the first of the backbone's stages to give
    /// `low_classifier`'s channels (torchvision's stage four from the end)
    /// — goes through `low_classifier`; the last, through `cbr` times its
    /// `scale` gate, is scaled to the low map's size (bilinear) and through
    /// `high_classifier`; the two are added. Written as the backbone up to
    /// the low map, then an add of `low_classifier` and the rest.
    pub(super) fn lraspp(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let (Some(backbone), Some(head)) = (
            Self::child(node, "backbone"),
            Self::child(node, "classifier"),
        ) else {
            return self.lacks(node, "backbone");
        };
        let low = Self::child(head, "low_classifier").and_then(conv_channels);
        let Some((low_c, _)) = low else {
            return self.lacks(head, "low_classifier");
        };
        let Some(stages) = self.listed(backbone) else {
            return;
        };
        let mut rest = stages.iter();
        for stage in rest.by_ref() {
            self.module_once(stage, input, list, base);
            if output_of(input, list).is_some_and(|s| s.channels() == low_c) {
                break;
            }
        }
        let here = output_of(input, list).unwrap_or(input);
        let Shape::Image { h, w, .. } = here else {
            return self.fail(head, t!("import-needs-map", class = head.class.clone()));
        };
        let low = self.branch(head, &["low_classifier"], here, list, base, 0);
        let at = branch_base(base, list, 1);
        let mut high = Vec::new();
        for stage in rest {
            self.module_once(stage, here, &mut high, &at);
        }
        let after = output_of(here, &high).unwrap_or(here);
        let gated = [at.as_slice(), &[high.len()]].concat();
        let cbr = self.branch(head, &["cbr"], after, &[], &gated, 0);
        let scale = self.branch(head, &["scale"], after, &[], &gated, 1);
        let note = t!("import-lraspp", class = head.class.clone());
        self.notes.insert(gated, note);
        high.push(merge(Kind::Multiply, vec![cbr, scale]));
        match resize_to(h, w, "bilinear") {
            Ok(up) => self.push(&mut high, &at, up, None),
            Err(e) => return self.fail(head, e),
        }
        self.run(head, &["high_classifier"], here, &mut high, &at);
        list.push(merge(Kind::Add, vec![low, high]));
    }
}

impl Ctx {
    /// timm's HGNet `HighPerfGpuBlock`: its `layers` one after another,
    /// the input and every one of their outputs concatenated (as VoVNet's
    /// OSA block), then `aggregation`; every block of a stage but its first
    /// (`(0)`) adds its input, as timm builds them (`residual` is not
    /// printed; said).
    pub(super) fn high_perf_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let Some(layers) = Self::child(node, "layers") else {
            return self.lacks(node, "layers");
        };
        let Some(convs) = self.listed(layers) else {
            return;
        };
        if convs.len() >= crate::layer::MAX_DEPTH {
            let max = crate::layer::MAX_DEPTH.to_string();
            return self.fail(layers, t!("import-nested-past-files", max = max));
        }
        let residual = node.name != "0";
        let here = output_of(input, list).unwrap_or(input);
        let at = branch_base(base, list, 0);
        let mut body = Vec::new();
        let nested = self.append_list(&convs, 0, here, &[at.as_slice(), &[0]].concat());
        let note = t!("import-hgnet-residual", class = node.class.clone());
        let note = self.unsaid(note);
        self.push(&mut body, &at, nested, note);
        let rest = Self::present(node, &["aggregation", "drop_path"]);
        self.run(node, &rest, here, &mut body, &at);
        if residual {
            list.push(merge(Kind::Add, vec![body, Vec::new()]));
        } else {
            for layer in body {
                list.push(layer);
            }
        }
    }
}

impl Ctx {
    /// timm's `SelecSlsBlock`. Its forward passes a pair [x, skip] from
    /// block to block: d1 = conv1(x), d2 = conv3(conv2(d1)),
    /// d3 = conv5(conv4(d2)); a stage's first block (its conv6 reads d1, d2
    /// and d3 alone) gives [out, out], the others
    /// [conv6(d1 | d2 | d3 | skip), skip]. Read over one tensor carrying
    /// the pair, [x | skip], in slices and concatenations, so no weight is
    /// copied; `SelectSeq` at the end takes x.
    pub(super) fn selecsls_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let conv = |name| {
            let c = Self::child(node, name)?;
            conv_channels(c.children.first().unwrap_or(c))
        };
        let (Some((cx, c1)), Some((_, c3)), Some((_, c5)), Some((c6in, c6))) =
            (conv("conv1"), conv("conv3"), conv("conv5"), conv("conv6"))
        else {
            return self.lacks(node, "conv6");
        };
        let here = output_of(input, list).unwrap_or(input);
        let t = here.channels();
        let skip = t.saturating_sub(cx);
        let made = c1 + c3 + c5;
        let first = c6in == made;
        if t < cx || (!first && (skip == 0 || c6in != made + skip)) {
            let message = t!(
                "import-channels",
                want = c6in.to_string(),
                got = format!("{made} + {skip}")
            );
            return self.fail(node, message);
        }
        let slices = (slice(0, cx), slice(c1, c1 + c3), slice(cx, t));
        let (Ok(x), Ok(d2), Ok(kept)) = slices else {
            return self.lacks(node, "conv1");
        };
        // d1 | d2 | d3 from the carried tensor, into `out` at `at`.
        let ds = |ctx: &mut Self, at: &[usize]| -> Vec<Layer> {
            let mut out = Vec::new();
            if skip > 0 {
                ctx.push(&mut out, at, x.clone(), None);
            }
            ctx.run(node, &["conv1"], here, &mut out, at);
            let d1 = output_of(here, &out).unwrap_or(here);
            let second = ctx.branch(node, &["conv2", "conv3"], d1, &out, at, 1);
            out.push(merge(Kind::Concat, vec![Vec::new(), second]));
            let both = output_of(here, &out).unwrap_or(here);
            let inner = branch_base(at, &out, 1);
            let mut third = vec![d2.clone()];
            ctx.run(node, &["conv4", "conv5"], both, &mut third, &inner);
            out.push(merge(Kind::Concat, vec![Vec::new(), third]));
            out
        };
        let note = self.unsaid(t!("import-selecsls", class = node.class.clone()));
        if first {
            let made = ds(self, base);
            list.extend(made);
            self.run(node, &["conv6"], input, list, base);
            if let Some(note) = note {
                self.notes.insert([base, &[list.len()]].concat(), note);
            }
            list.push(merge(Kind::Concat, vec![Vec::new(), Vec::new()]));
        } else {
            let at = branch_base(base, list, 0);
            let inner = branch_base(&at, &[], 0);
            let made = ds(self, &inner);
            let mut out = vec![merge(Kind::Concat, vec![made, vec![kept.clone()]])];
            self.run(node, &["conv6"], here, &mut out, &at);
            if let Some(note) = note {
                self.notes.insert([base, &[list.len()]].concat(), note);
            }
            list.push(merge(Kind::Concat, vec![out, vec![kept]]));
        }
        self.carried = Some(c6);
    }
}

impl Ctx {
    /// FastViT's `ReparamLargeKernelConv` (its large and small kernels
    /// summed, as trained; the large alone where it has no small) and
    /// `RepConditionalPosEnc` (`pos_enc` added to its input, `""` naming
    /// the input): the branches `node` has, added, then `after`.
    pub(super) fn summed_branches(
        &mut self,
        node: &Node,
        branches: &[&str],
        after: &[&str],
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let names: Vec<&str> = (branches.iter().copied())
            .filter(|name| name.is_empty() || Self::child(node, name).is_some())
            .collect();
        if let [name] = names.as_slice() {
            self.run(node, &[name], input, list, base);
        } else {
            let made = (names.iter().enumerate())
                .map(|(b, name)| match *name {
                    "" => Vec::new(),
                    name => self.branch(node, &[name], here, list, base, b),
                })
                .collect();
            list.push(merge(Kind::Add, made));
        }
        let after = Self::present(node, after);
        self.run(node, &after, input, list, base);
    }

    /// FastViT's `RepMixer`: the input plus `layer_scale` of
    /// `mixer(x) − norm(x)`. The difference has no weights and the shape of
    /// either: written as their sum, and said.
    pub(super) fn rep_mixer(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let at = branch_base(base, list, 1);
        let inner = [at.as_slice(), &[0]].concat();
        let mixer = self.branch(node, &["mixer"], here, &[], &inner, 0);
        let norm = self.branch(node, &["norm"], here, &[], &inner, 1);
        let note = self.unsaid(t!("import-rep-mixer", class = node.class.clone()));
        if let Some(note) = note {
            self.notes.insert(inner, note);
        }
        let mut body = vec![merge(Kind::Add, vec![mixer, norm])];
        self.run(node, &["layer_scale"], here, &mut body, &at);
        list.push(merge(Kind::Add, vec![Vec::new(), body]));
    }

    /// FastViT's `RepMixerBlock`: `token_mixer`, then `mlp` scaled by
    /// `layer_scale`, added to its input.
    pub(super) fn rep_mixer_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        self.run(node, &["token_mixer"], input, list, base);
        let names = Self::present(node, &["mlp", "layer_scale", "drop_path"]);
        self.beside_input(Kind::Add, node, &names, input, list, base);
    }

    /// FastViT's `AttentionBlock`: `norm`, then its `Attention` over the
    /// map's positions (its forward flattens them to tokens and folds
    /// them back), scaled and added; then `mlp`, scaled and added.
    pub(super) fn fastvit_attention_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let Shape::Image { h, w, .. } = here else {
            return self.fail(node, t!("import-needs-map", class = node.class.clone()));
        };
        let fold = fold(h, w);
        let (Ok(fold), Some(mixer)) = (fold, Self::child(node, "token_mixer")) else {
            return self.lacks(node, "token_mixer");
        };
        let at = branch_base(base, list, 0);
        let mut body = Vec::new();
        self.run(node, &["norm"], here, &mut body, &at);
        let note = self.unsaid(t!("import-stage-tokens", class = node.class.clone()));
        self.push(&mut body, &at, Layer::new(Kind::ToTokens), note);
        if mixer.class == "Attention" && Self::has(mixer, &["qkv", "proj"]) {
            self.fused_attention(mixer, here, &mut body, &at);
        } else {
            return self.lacks(node, "token_mixer");
        }
        self.push(&mut body, &at, fold, None);
        let rest = Self::present(node, &["layer_scale_1", "drop_path1"]);
        self.run(node, &rest, here, &mut body, &at);
        list.push(merge(Kind::Add, vec![body, Vec::new()]));
        let names = Self::present(node, &["mlp", "layer_scale_2", "drop_path2"]);
        self.beside_input(Kind::Add, node, &names, input, list, base);
    }
}

impl Ctx {
    /// The named children of `node`, those that work on the channels of a
    /// channels-last map (`LayerNorm`, `Linear`) read as the map's own
    /// (a norm over the channels, a 1×1 convolution: the same weights),
    /// the rest (convolutions between permutes, activations) as printed.
    fn channels_last(
        &mut self,
        node: &Node,
        names: &[&str],
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        for name in names {
            match Self::child(node, name) {
                Some(c) if ["LayerNorm", "Linear"].contains(&c.class.as_str()) => {
                    self.on_channels(c, input, list, base)
                }
                Some(c) => self.module(c, input, list, base),
                None => self.lacks(node, name),
            }
        }
    }

    /// MambaOut's `Stem`, `Downsample` and stages work channels-last (their
    /// norms between permutes): read on the map, said once.
    pub(super) fn mambaout_part(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let note = self.unsaid(t!("import-channels-last-model", class = node.class.clone()));
        if let Some(note) = note {
            self.notes.insert([base, &[list.len()]].concat(), note);
        }
        let names: Vec<&str> = node.children.iter().map(|c| c.name.as_str()).collect();
        self.channels_last(node, &names, input, list, base);
    }

    /// MambaOut's `GatedConvBlock` (channels-last): `norm`, `fc1` to twice
    /// the hidden width split three ways — g, i and c — then
    /// `fc2(act(g) * cat(i, conv(c)))`, added to the input.
    pub(super) fn gated_conv_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let fc1 = Self::child(node, "fc1").map(|c| Args::of(&c.args));
        let out = fc1.and_then(|a| a.get("out_features", 1)?.parse::<u64>().ok());
        let conv = Self::child(node, "conv")
            .and_then(conv_channels)
            .map(|(c, _)| c);
        let (Some(out), Some(conv)) = (out, conv) else {
            return self.lacks(node, "fc1");
        };
        let hidden = out / 2;
        if out % 2 != 0 || conv > hidden {
            return self.fail(node, t!("import-glu-odd", width = out.to_string()));
        }
        let at = branch_base(base, list, 0);
        let mut body = Vec::new();
        self.channels_last(node, &["norm", "fc1"], here, &mut body, &at);
        let (Ok(g), Ok(i), Ok(c)) = (
            slice(0, hidden),
            slice(hidden, out - conv),
            slice(out - conv, out),
        ) else {
            return self.lacks(node, "fc1");
        };
        let split = output_of(here, &body).unwrap_or(here);
        let star = [at.as_slice(), &[body.len()]].concat();
        let mut gate = vec![g];
        self.run(
            node,
            &["act"],
            split,
            &mut gate,
            &[star.as_slice(), &[0]].concat(),
        );
        let inner = [star.as_slice(), &[1, 0]].concat();
        let mut conv_part = vec![c];
        self.run(
            node,
            &["conv"],
            split,
            &mut conv_part,
            &[inner.as_slice(), &[1]].concat(),
        );
        let value = vec![merge(Kind::Concat, vec![vec![i], conv_part])];
        let note = self.unsaid(t!("import-gated-conv", class = node.class.clone()));
        if let Some(note) = note {
            self.notes.insert(star, note);
        }
        body.push(merge(Kind::Multiply, vec![gate, value]));
        let rest = ["fc2", "ls", "drop_path"];
        let rest = Self::present(node, &rest);
        self.channels_last(node, &rest, here, &mut body, &at);
        list.push(merge(Kind::Add, vec![body, Vec::new()]));
    }

    /// MambaOut's `MlpHead`: the mean over positions (its default pool,
    /// not printed; said), then `norm`, `pre_logits` and `fc`.
    pub(super) fn mlp_head(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let note = t!("import-mlp-head-mean", class = node.class.clone());
        self.push(list, base, Layer::new(Kind::GlobalAvgPool), Some(note));
        let names = ["norm", "pre_logits", "head_dropout", "drop", "fc"];
        let names = Self::present(node, &names);
        self.run(node, &names, input, list, base);
    }
}

impl Ctx {
    /// CSPNeXt's `CspNextLayer`: `main_conv` and its `blocks` beside
    /// `short_conv`, concatenated, then `attention` and `final_conv`.
    pub(super) fn csp_next_layer(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let main = self.branch(node, &["main_conv", "blocks"], here, list, base, 0);
        let short = self.branch(node, &["short_conv"], here, list, base, 1);
        list.push(merge(Kind::Concat, vec![main, short]));
        let rest = Self::present(node, &["attention", "final_conv"]);
        self.run(node, &rest, input, list, base);
    }

    /// CSPNeXt's `SPPBottleneck`: `conv1`, its output beside each of its
    /// `poolings` of it, concatenated, then `conv2`.
    pub(super) fn spp_bottleneck(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        self.run(node, &["conv1"], input, list, base);
        let Some(pools) = Self::child(node, "poolings") else {
            return self.lacks(node, "poolings");
        };
        self.read.insert(pools.line);
        let Some(pools) = self.listed(pools) else {
            return;
        };
        let here = output_of(input, list).unwrap_or(input);
        let mut branches = vec![Vec::new()];
        for pool in pools {
            let at = branch_base(base, list, branches.len());
            let mut out = Vec::new();
            self.module_once(pool, here, &mut out, &at);
            branches.push(out);
        }
        list.push(merge(Kind::Concat, branches));
        self.run(node, &["conv2"], input, list, base);
    }
}

impl Ctx {
    /// One half of a gated MLP's `fc1` (its `out_features` split in two
    /// equal parts, each a dense layer of the same weights), or why not.
    fn fc1_half(&mut self, node: &Node, here: Shape) -> Option<Layer> {
        let Some(fc1) = Self::child(node, "fc1").filter(|c| c.class == "Linear") else {
            self.lacks(node, "fc1");
            return None;
        };
        self.mark_read(fc1);
        let args = Args::of(&fc1.args);
        let n = |key, at| args.get(key, at)?.parse::<i64>().ok();
        let bias = args.named("bias").and_then(boolean).unwrap_or(true);
        let (Some(inputs), Some(out)) = (n("in_features", 0), n("out_features", 1)) else {
            self.lacks(node, "fc1");
            return None;
        };
        if here.last() != u64::try_from(inputs).unwrap_or(0) {
            let message = t!(
                "import-features",
                want = inputs.to_string(),
                got = here.last().to_string()
            );
            self.fail(fc1, message);
            return None;
        }
        if out % 2 != 0 {
            self.fail(fc1, t!("import-glu-odd", width = out.to_string()));
            return None;
        }
        let half = make(
            Kind::Dense,
            &[
                (Field::Units, Value::Int(out / 2)),
                (Field::Bias, Value::Bool(bias)),
                (Field::Inputs, Value::Int(inputs)),
            ],
        );
        half.map_err(|e| self.fail(fc1, e)).ok()
    }

    /// gMLP's `GatedMlp`: `fc1` and `act`, split in two halves u and v;
    /// its `SpatialGatingUnit` norms v and mixes it along the tokens
    /// (`proj`, between two `to_tokens`); u times that, then `fc2`. The
    /// halves are written as two dense layers (the same weights as `fc1`),
    /// each through `act`.
    pub(super) fn gated_mlp(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let Some(gate_unit) = Self::child(node, "gate").filter(|g| Self::has(g, &["norm", "proj"]))
        else {
            return self.lacks(node, "gate");
        };
        self.read.insert(gate_unit.line);
        let Some(half) = self.fc1_half(node, here) else {
            return;
        };
        let first = Self::present(node, &["act", "drop1"]);
        let at = branch_base(base, list, 0);
        let mut u = Vec::new();
        self.push(&mut u, &at, half.clone(), None);
        self.run(node, &first, here, &mut u, &at);
        let at = branch_base(base, list, 1);
        let mut v = Vec::new();
        let note = self.unsaid(t!("import-spatial-gate", class = node.class.clone()));
        self.push(&mut v, &at, half, note);
        self.run(node, &first, here, &mut v, &at);
        self.run(gate_unit, &["norm"], here, &mut v, &at);
        self.push(&mut v, &at, Layer::new(Kind::ToTokens), None);
        self.run(gate_unit, &["proj"], here, &mut v, &at);
        self.push(&mut v, &at, Layer::new(Kind::ToTokens), None);
        list.push(merge(Kind::Multiply, vec![u, v]));
        let names = Self::present(node, &["norm", "fc2", "drop2"]);
        self.run(node, &names, input, list, base);
    }
}

impl Ctx {
    /// FasterNet's `Partial_conv3`: its convolution on the first channels
    /// (as many as it takes), the rest passed on untouched, concatenated.
    pub(super) fn partial_conv(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let part = Self::child(node, "partial_conv3").and_then(conv_channels);
        let Some((part, _)) = part.filter(|&(p, _)| p > 0 && p < here.channels()) else {
            return self.lacks(node, "partial_conv3");
        };
        let c = here.channels();
        let parts: [(u64, u64, &[&str]); 2] = [(0, part, &["partial_conv3"]), (part, c, &[])];
        self.split_concat(node, here, list, base, &parts);
    }

    /// FasterNet's `MLPBlock`: `spatial_mixing` then `mlp`, added to the
    /// input from before both. A layer scale (built only with
    /// `layer_scale_init_value > 0`, none in timm's FasterNets) is not
    /// printed: none is counted, said.
    pub(super) fn faster_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let first = list.len();
        let names = Self::present(node, &["spatial_mixing", "mlp", "drop_path"]);
        self.beside_input(Kind::Add, node, &names, input, list, base);
        let note = self.unsaid(t!("import-faster-scale", class = node.class.clone()));
        if let Some(note) = note {
            self.notes.insert([base, &[first]].concat(), note);
        }
    }
}

impl Ctx {
    /// RepGhostNet's `RepGhostModule`: `primary_conv`, then
    /// `cheap_operation` of it plus each `fusion_conv`/`fusion_bn` pair of
    /// it (the training-time branches), then `relu`.
    pub(super) fn rep_ghost_module(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        self.run(node, &["primary_conv"], input, list, base);
        let (Some(convs), Some(bns)) = (
            Self::child(node, "fusion_conv"),
            Self::child(node, "fusion_bn"),
        ) else {
            return self.lacks(node, "fusion_bn");
        };
        let (Some(convs), Some(bns)) = (self.listed(convs), self.listed(bns)) else {
            return;
        };
        if convs.len() != bns.len() {
            return self.lacks(node, "fusion_bn");
        }
        let here = output_of(input, list).unwrap_or(input);
        let mut branches = vec![self.branch(node, &["cheap_operation"], here, list, base, 0)];
        for (conv, bn) in convs.into_iter().zip(bns) {
            let at = branch_base(base, list, branches.len());
            let mut out = Vec::new();
            self.module_once(conv, here, &mut out, &at);
            self.module_once(bn, here, &mut out, &at);
            branches.push(out);
        }
        list.push(merge(Kind::Add, branches));
        self.run(node, &["relu"], input, list, base);
    }

    /// RepGhostNet's `RepGhostBottleneck`: its ghost modules (and the
    /// depthwise convolution and squeeze-excitation between them) added to
    /// `shortcut` of the input.
    pub(super) fn rep_ghost_bottleneck(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let names = Self::present(node, &["ghost1", "conv_dw", "bn_dw", "se", "ghost2"]);
        let body = self.branch(node, &names, here, list, base, 0);
        let skip = match Self::child(node, "shortcut") {
            Some(_) => self.branch(node, &["shortcut"], here, list, base, 1),
            None => Vec::new(),
        };
        list.push(merge(Kind::Add, vec![body, skip]));
    }
}
