//! The blocks torchvision defines, by what their `forward` does with their
//! children: a printout shows the children, and the class name says the
//! rest. Each is known by its children's names too, so a block named like
//! torchvision's but built otherwise falls through to the generic reading.

use super::{Args, Ctx, Node, boolean, numbers};
use crate::import::{make, output_of};
use crate::layer::{Field, Kind, Layer, Value};
use crate::network::Shape;

/// A merge of `kind` holding `branches`.
pub(super) fn merge(kind: Kind, branches: Vec<Vec<Layer>>) -> Layer {
    let mut layer = Layer::new(kind);
    layer.branches = branches;
    layer
}

/// The path of branch `b` of the layer about to be pushed onto `list`.
pub(super) fn branch_base(base: &[usize], list: &[Layer], b: usize) -> Vec<usize> {
    [base, &[list.len(), b]].concat()
}

impl Ctx {
    /// `note`, unless it has been said already (a note is said once, at
    /// its first place).
    pub(super) fn unsaid(&self, note: String) -> Option<String> {
        (!self.notes.values().any(|said| *said == note)).then_some(note)
    }

    /// Those of `names` that `node` has, in this order: the children a
    /// block's variants leave out are printed not at all.
    pub(super) fn present<'n>(node: &Node, names: &[&'n str]) -> Vec<&'n str> {
        (names.iter().copied())
            .filter(|n| Self::child(node, n).is_some())
            .collect()
    }

    /// Whether `node` has every child in `names`.
    pub(super) fn has(node: &Node, names: &[&str]) -> bool {
        names.iter().all(|n| Self::child(node, n).is_some())
    }

    /// The children `names` of `node`, in this order, into `out` (which
    /// starts from `input`).
    pub(super) fn run(
        &mut self,
        node: &Node,
        names: &[&str],
        input: Shape,
        out: &mut Vec<Layer>,
        base: &[usize],
    ) {
        for name in names {
            match Self::child(node, name) {
                Some(c) => self.module(c, input, out, base),
                None => self.lacks(node, name),
            }
        }
    }

    /// A residual's skip: the child `name` (a projection) from `here`, or
    /// the identity where there is none.
    fn skip(
        &mut self,
        node: &Node,
        name: &str,
        here: Shape,
        list: &[Layer],
        base: &[usize],
    ) -> Vec<Layer> {
        match Self::child(node, name) {
            Some(_) => self.branch(node, &[name], here, list, base, 1),
            None => Vec::new(),
        }
    }

    /// timm's ResNet-D shortcut (`avg_down`) pools 2×2 with
    /// `ceil_mode=True`, which an `AvgPool2d` printout never shows (its
    /// repr has no `ceil_mode`): a shortcut that starts with a 2×2, stride
    /// 2 average pool is read so, and its note says why. (torchvision's
    /// shortcuts have no pool.) `base` is the shortcut's path.
    pub(super) fn avg_down(&mut self, skip: &mut [Layer], base: &[usize]) {
        let two = crate::layer::Hw::square(2);
        if let Some(first) = skip.first_mut()
            && first.kind == Kind::AvgPool
            && first.kernel == two
            && first.stride.unwrap_or(two) == two
            && !first.ceil_mode
        {
            first.ceil_mode = true;
            // Said once, at the first, as every note is.
            let note = t!("import-avg-down");
            if !self.notes.values().any(|said| *said == note) {
                self.notes.insert([base, &[0]].concat(), note);
            }
        }
    }

    /// One branch of a merge pushed next onto `list`: `names` from `here`.
    pub(super) fn branch(
        &mut self,
        node: &Node,
        names: &[&str],
        here: Shape,
        list: &[Layer],
        base: &[usize],
        b: usize,
    ) -> Vec<Layer> {
        let mut out = Vec::new();
        self.run(node, names, here, &mut out, &branch_base(base, list, b));
        out
    }

    /// torchvision's `SqueezeExcitation`: the input times a gate computed
    /// from its channels' means.
    pub(super) fn squeeze_excitation(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let names = ["avgpool", "fc1", "activation", "fc2", "scale_activation"];
        self.beside_input(Kind::Multiply, node, &names, input, list, base);
    }

    /// A merge of `kind` of the input itself and what `names` compute from it.
    pub(super) fn beside_input(
        &mut self,
        kind: Kind,
        node: &Node,
        names: &[&str],
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let computed = self.branch(node, names, here, list, base, 1);
        list.push(merge(kind, vec![Vec::new(), computed]));
    }

    /// RegNet's `ResBottleneckBlock`: `f` added to the input or to `proj`
    /// of it, then `activation`.
    pub(super) fn res_bottleneck(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let body = self.branch(node, &["f"], here, list, base, 0);
        let skip = self.skip(node, "proj", here, list, base);
        list.push(merge(Kind::Add, vec![body, skip]));
        self.run(node, &["activation"], input, list, base);
    }

    /// SqueezeNet's `Fire`: a 1×1 squeeze, then 1×1 and 3×3 expansions
    /// side by side, concatenated.
    pub(super) fn fire(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        self.run(node, &["squeeze", "squeeze_activation"], input, list, base);
        let here = output_of(input, list).unwrap_or(input);
        let one = ["expand1x1", "expand1x1_activation"];
        let three = ["expand3x3", "expand3x3_activation"];
        let a = self.branch(node, &one, here, list, base, 0);
        let b = self.branch(node, &three, here, list, base, 1);
        list.push(merge(Kind::Concat, vec![a, b]));
    }

    /// DeepLabV3's `ASPP`: each of `convs` a branch of the same input,
    /// concatenated, then `project`. The last, `ASPPPooling`, pools to 1×1
    /// and its `forward` scales that back to the input's size, which the
    /// printout does not show: an upsample by the size met here, said in
    /// its note (another input size needs another import).
    pub(super) fn aspp(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let Some(convs) = Self::child(node, "convs") else {
            return self.lacks(node, "convs");
        };
        let here = output_of(input, list).unwrap_or(input);
        let mut branches = Vec::new();
        for (b, conv) in convs.children.iter().enumerate() {
            let path = branch_base(base, list, b);
            let mut out = Vec::new();
            if conv.class == "ASPPPooling" {
                for child in &conv.children {
                    self.module(child, here, &mut out, &path);
                }
                let scale = match (here, output_of(here, &out)) {
                    (Shape::Image { h, w, .. }, Some(Shape::Image { h: 1, w: 1, .. })) => {
                        let [h, w] = [h, w].map(|n| i64::try_from(n).unwrap_or(1));
                        Some(if h == w {
                            Value::Int(h)
                        } else {
                            Value::Pair(h, w)
                        })
                    }
                    _ => None,
                };
                let up = scale.map(|scale| {
                    make(
                        Kind::Upsample,
                        &[
                            (Field::Scale, scale),
                            (Field::Mode, Value::Word("bilinear".into())),
                        ],
                    )
                });
                match up {
                    Some(Ok(up)) => {
                        let note = t!("import-forward-aspp-pool");
                        self.push(&mut out, &path, up, Some(note));
                    }
                    Some(Err(e)) => self.fail(conv, e),
                    None => self.fail(conv, t!("import-forward-resize")),
                }
            } else {
                self.module(conv, here, &mut out, &path);
            }
            branches.push(out);
        }
        list.push(merge(Kind::Concat, branches));
        self.run(node, &["project"], input, list, base);
    }

    /// timm's RegNet blocks: `Bottleneck` (conv1–conv3 with their norms,
    /// `act3` after the sum) and the pre-activation `PreBottleneck` (the
    /// shortcut taken after `norm1`, nothing after the sum). `downsample`
    /// is the shortcut: `Identity()`, a projection, or, not printed, none
    /// at all (timm's `create_shortcut` returns None: no sum).
    pub(super) fn timm_regnet(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let pre = node.class == "PreBottleneck";
        if pre {
            self.run(node, &["norm1"], input, list, base);
        }
        let here = output_of(input, list).unwrap_or(input);
        let names: &[&str] = if pre {
            &["conv1", "norm2", "conv2", "se", "norm3", "conv3"]
        } else {
            &["conv1", "conv2", "se", "conv3"]
        };
        let body = self.branch(node, &Self::present(node, names), here, list, base, 0);
        if Self::child(node, "downsample").is_some() {
            let skip = self.branch(node, &["downsample"], here, list, base, 1);
            list.push(merge(Kind::Add, vec![body, skip]));
        } else {
            list.push(merge(Kind::Block, vec![body]));
        }
        if !pre {
            self.run(node, &["act3"], input, list, base);
        }
    }

    /// timm's `XceptionModule` and `PreXceptionModule` (the latter after
    /// its `norm`): `stack` added to the input or to its `shortcut`. With
    /// no shortcut (or `Identity()`) and a stack that changes the shape,
    /// the module was built with `no_skip`: no sum.
    pub(super) fn xception_module(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        if Self::child(node, "norm").is_some() {
            self.run(node, &["norm"], input, list, base);
        }
        let here = output_of(input, list).unwrap_or(input);
        let body = self.branch(node, &["stack"], here, list, base, 0);
        let skip = self.skip(node, "shortcut", here, list, base);
        if !skip.is_empty() || output_of(here, &body) == Some(here) {
            list.push(merge(Kind::Add, vec![body, skip]));
        } else {
            list.push(merge(Kind::Block, vec![body]));
        }
    }

    /// timm's CSPNet stages: `conv_down` and `conv_exp`, then the
    /// channels split in halves; `CrossStage` runs `blocks` and
    /// `conv_transition_b` on the second and concatenates them after the
    /// first, `CrossStage3` runs `blocks` on the first, before the second;
    /// then `conv_transition`. The split is in `forward`: slices here.
    pub(super) fn cross_stage(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        self.run(node, &["conv_down", "conv_exp"], input, list, base);
        let here = output_of(input, list).unwrap_or(input);
        let c = here.channels();
        let half = c / 2;
        let three = node.class == "CrossStage3";
        let worked: &[&str] = if three {
            &["blocks"]
        } else {
            &["blocks", "conv_transition_b"]
        };
        let parts: [(u64, u64, &[&str]); 2] = if three {
            [(0, half, worked), (half, c, &[])]
        } else {
            [(0, half, &[]), (half, c, worked)]
        };
        self.split_concat(node, here, list, base, &parts);
        self.run(node, &["conv_transition"], input, list, base);
    }

    /// timm's VoVNet `OsaBlock`: `conv_mid`'s convolutions one after
    /// another, and the input with every one of their outputs
    /// concatenated (written as nested concatenations, each of a map and
    /// what the rest make of it), then `conv_concat` and `attn`. Whether it
    /// also adds its input (`residual`) is a setting a printout does not
    /// show: not added, and said (the count is the same either way).
    pub(super) fn osa_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let Some(mid) = Self::child(node, "conv_mid") else {
            return self.lacks(node, "conv_mid");
        };
        // A concatenation a convolution: past what a file nests, refused
        // before the walk goes that deep.
        if (mid.children.iter()).fold(0u64, |n, c| n.saturating_add(c.repeat))
            >= crate::layer::MAX_DEPTH as u64
        {
            let max = crate::layer::MAX_DEPTH.to_string();
            return self.fail(mid, t!("import-nested-past-files", max = max));
        }
        // The input is kept before `conv_reduction`, which only the
        // convolutions read.
        let here = output_of(input, list).unwrap_or(input);
        let path = [base, &[list.len()]].concat();
        let Some(mids) = self.listed(mid) else {
            return;
        };
        let convs: Vec<&Node> = Self::child(node, "conv_reduction")
            .into_iter()
            .chain(mids.iter().copied())
            .collect();
        let lead = usize::from(convs.len() > mids.len());
        let nested = self.append_list(&convs, lead, here, &path);
        let note = t!("import-osa-residual");
        self.push(list, base, nested, Some(note));
        let rest = Self::present(node, &["conv_concat", "attn", "drop_path"]);
        self.run(node, &rest, input, list, base);
    }

    /// `convs` from `here`, each output kept beside what the rest make of
    /// it: concat(x, conv1 x, conv2 conv1 x, …) as nested concatenations.
    /// The first `lead` of them run before the first whose output is kept.
    /// Each is one copy (a printed `(0-4): 5 x` is `listed` as five).
    pub(super) fn append_list(
        &mut self,
        convs: &[&Node],
        lead: usize,
        here: Shape,
        path: &[usize],
    ) -> Layer {
        let mut made = Vec::new();
        let inner = [path, &[1]].concat();
        let (now, rest) = convs.split_at((lead + 1).min(convs.len()));
        for conv in now {
            self.module_once(conv, here, &mut made, &inner);
        }
        if !rest.is_empty() {
            let from = output_of(here, &made).unwrap_or(here);
            let at = [inner.as_slice(), &[made.len()]].concat();
            let deeper = self.append_list(rest, 0, from, &at);
            made.push(deeper);
        }
        merge(Kind::Concat, vec![Vec::new(), made])
    }

    /// DenseNet's `_DenseLayer`: its new features concatenated to its input.
    pub(super) fn dense_layer(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        // timm's has no ReLUs of its own: its norms apply them.
        let names: Vec<&str> = ["norm1", "relu1", "conv1", "norm2", "relu2", "conv2"]
            .into_iter()
            .filter(|n| !n.starts_with("relu") || Self::child(node, n).is_some())
            .collect();
        self.beside_input(Kind::Concat, node, &names, input, list, base);
    }

    /// ShuffleNetV2's `InvertedResidual`: at stride 1 the channels split in
    /// halves, one kept and one through `branch2`; at stride 2 `branch1` and
    /// `branch2` both see the input. Concatenated, then shuffled in 2 groups.
    pub(super) fn shuffle_unit(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let split = Self::child(node, "branch1").is_none_or(|b| b.children.is_empty());
        let branches = if split {
            let c = i64::try_from(here.channels()).unwrap_or(0);
            let half = |start: i64, end: i64| {
                make(
                    Kind::Slice,
                    &[
                        (Field::Start, Value::Int(start)),
                        (Field::End, Value::Int(end)),
                    ],
                )
            };
            match (half(0, c / 2), half(c / 2, c)) {
                (Ok(first), Ok(second)) => {
                    let sliced = output_of(here, std::slice::from_ref(&second)).unwrap_or(here);
                    let mut b = vec![second];
                    let at = branch_base(base, list, 1);
                    self.run(node, &["branch2"], sliced, &mut b, &at);
                    vec![vec![first], b]
                }
                (Err(e), _) | (_, Err(e)) => return self.fail(node, e),
            }
        } else {
            vec![
                self.branch(node, &["branch1"], here, list, base, 0),
                self.branch(node, &["branch2"], here, list, base, 1),
            ]
        };
        list.push(merge(Kind::Concat, branches));
        match make(Kind::ChannelShuffle, &[(Field::Groups, Value::Int(2))]) {
            Ok(shuffle) => list.push(shuffle),
            Err(e) => self.fail(node, e),
        }
    }

    /// ConvNeXt's `CNBlock`: its `block` (whose Linear layers act on the
    /// channels, between two Permutes), scaled per channel by a learned
    /// `layer_scale` (a parameter, so not printed), added to the input.
    pub(super) fn cn_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let Some(block) = Self::child(node, "block") else {
            return self.lacks(node, "block");
        };
        let here = output_of(input, list).unwrap_or(input);
        let at = branch_base(base, list, 0);
        let mut body = Vec::new();
        let mut channels_last = false;
        for child in &block.children {
            if child.class == "Permute" {
                channels_last = !channels_last;
            } else if channels_last {
                self.on_channels(child, here, &mut body, &at);
            } else {
                self.module(child, here, &mut body, &at);
            }
        }
        body.push(Layer::new(Kind::LayerScale));
        let mut rest = Vec::new();
        self.run(node, &["stochastic_depth"], here, &mut rest, &at);
        body.extend(rest);
        list.push(merge(Kind::Add, vec![body, Vec::new()]));
    }

    /// torchvision's `VisionTransformer`: patches (`conv_proj`) as tokens, a
    /// class token and position embeddings (parameters, so not printed),
    /// the encoder's blocks and norm, then `heads` on the class token.
    pub(super) fn vision_transformer(&mut self, root: &Node, input: Shape, list: &mut Vec<Layer>) {
        self.run(root, &["conv_proj"], input, list, &[]);
        list.push(Layer::new(Kind::ToTokens));
        list.push(Layer::new(Kind::ClsToken));
        let tokens = output_of(input, list).map_or(1, |s| match s {
            Shape::Matrix { rows, .. } => rows,
            _ => 1,
        });
        match make(
            Kind::PosEmbedding,
            &[(
                Field::MaxLen,
                Value::Int(i64::try_from(tokens).unwrap_or(1)),
            )],
        ) {
            Ok(p) => {
                let note = t!("import-vit-parameters", tokens = tokens.to_string());
                self.push(list, &[], p, Some(note));
            }
            Err(e) => self.fail(root, e),
        }
        match Self::child(root, "encoder") {
            Some(encoder) => {
                self.run(encoder, &["dropout"], input, list, &[]);
                if let Some(layers) = Self::child(encoder, "layers") {
                    for block in &layers.children {
                        for _ in 0..block.repeat.min(super::MAX_COPIES) {
                            self.encoder_block(block, input, list);
                        }
                    }
                }
                self.run(encoder, &["ln"], input, list, &[]);
            }
            None => self.run(root, &["encoder"], input, list, &[]),
        }
        list.push(Layer::new(Kind::FirstToken));
        self.run(root, &["heads"], input, list, &[]);
    }

    /// torchvision's `EncoderBlock`: pre-norm attention and MLP, each added
    /// to its input.
    fn encoder_block(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>) {
        let here = output_of(input, list).unwrap_or(input);
        let attention = ["ln_1", "self_attention", "dropout"];
        let a = self.branch(node, &attention, here, list, &[], 0);
        list.push(merge(Kind::Add, vec![a, Vec::new()]));
        let here = output_of(input, list).unwrap_or(input);
        let m = self.branch(node, &["ln_2", "mlp"], here, list, &[], 0);
        list.push(merge(Kind::Add, vec![m, Vec::new()]));
    }

    /// timm's `GhostModule` (GhostNet): `primary_conv`, then its output
    /// beside what `cheap_operation` makes of it, concatenated. (Its
    /// forward then keeps the first `oup` channels, which the printout does
    /// not show; with an even `oup`, as GhostNet's are, that is all of them,
    /// and an odd one would not meet the next layer's channels, an error.)
    pub(super) fn ghost_module(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        self.run(node, &["primary_conv"], input, list, base);
        let here = output_of(input, list).unwrap_or(input);
        let cheap = self.branch(node, &["cheap_operation"], here, list, base, 1);
        list.push(merge(Kind::Concat, vec![Vec::new(), cheap]));
    }

    /// timm's `GhostBottleneck`: `ghost1`, the strided depthwise
    /// convolution where there is one, `se`, `ghost2`, added to the input
    /// through `shortcut` (empty: the input itself).
    pub(super) fn ghost_bottleneck(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let names = Self::present(
            node,
            &["ghost1", "conv_dw", "bn_dw", "se", "ghost2", "drop_path"],
        );
        let body = self.branch(node, &names, here, list, base, 0);
        let skip = self.branch(node, &["shortcut"], here, list, base, 1);
        list.push(merge(Kind::Add, vec![body, skip]));
    }

    /// timm's `BottleneckBlock` (ByobNet: the `*ts` ResNets): its convs
    /// and attention in order, added to the input through `shortcut` where
    /// the block has one (`Identity()`: the input itself; none printed: no
    /// sum), then `act`.
    pub(super) fn byob_bottleneck(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        // Each ByobNet block's forward order (`attn` sits after the first
        // convolution but in the bottleneck, where it is after the second).
        let order: &[&str] = match node.class.as_str() {
            "BottleneckBlock" => &[
                "conv1_1x1",
                "conv2_kxk",
                "conv2b_kxk",
                "attn",
                "conv3_1x1",
                "attn_last",
                "drop_path",
            ],
            "BasicBlock" => &["conv1_kxk", "attn", "conv2_kxk", "attn_last", "drop_path"],
            "EdgeBlock" => &["conv1_kxk", "attn", "conv2_1x1", "attn_last", "drop_path"],
            _ => &["conv1_1x1", "attn", "conv2_kxk", "attn_last", "drop_path"],
        };
        let names = Self::present(node, order);
        if Self::child(node, "shortcut").is_some() {
            let body = self.branch(node, &names, here, list, base, 0);
            let mut skip = self.branch(node, &["shortcut"], here, list, base, 1);
            self.avg_down(&mut skip, &branch_base(base, list, 1));
            list.push(merge(Kind::Add, vec![body, skip]));
        } else {
            self.run(node, &names, input, list, base);
        }
        if Self::child(node, "act").is_some() {
            self.run(node, &["act"], input, list, base);
        }
    }

    /// timm's `RepVggBlock` as trained: its k×k and 1×1 convolutions, and
    /// the input through a BatchNorm where it has one (`identity`), summed;
    /// then `attn` and `act` on the sum.
    pub(super) fn repvgg_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let parts: [&[&str]; 3] = [&["conv_kxk", "drop_path"], &["conv_1x1"], &["identity"]];
        let mut branches = Vec::new();
        for names in parts {
            let names = Self::present(node, names);
            if !names.is_empty() {
                let b = branches.len();
                branches.push(self.branch(node, &names, here, list, base, b));
            }
        }
        list.push(merge(Kind::Add, branches));
        let after = Self::present(node, &["attn", "act"]);
        self.run(node, &after, input, list, base);
    }

    /// timm's `MobileOneBlock` as trained: each of its k×k convolutions,
    /// the 1×1 `conv_scale` and the input through a BatchNorm where it has
    /// one (`identity`), summed; then `attn` and `act`.
    pub(super) fn mobileone_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let mut branches = Vec::new();
        if let Some(kxk) = Self::child(node, "conv_kxk") {
            for conv in self.listed(kxk).unwrap_or_default() {
                let path = branch_base(base, list, branches.len());
                let mut out = Vec::new();
                self.module_once(conv, here, &mut out, &path);
                branches.push(out);
            }
        }
        for name in Self::present(node, &["conv_scale", "identity"]) {
            let b = branches.len();
            branches.push(self.branch(node, &[name], here, list, base, b));
        }
        list.push(merge(Kind::Add, branches));
        let after = Self::present(node, &["se", "drop_path", "attn", "act"]);
        self.run(node, &after, input, list, base);
    }

    /// timm's `MetaFormerBlock` (PoolFormer and its kin): two halves, each
    /// added to its input — `token_mixer` after `norm1`, then `mlp` after
    /// `norm2` — each scaled by its `layer_scale` and the input by its
    /// `res_scale` where those are timm's `Scale` (one weight per channel,
    /// which the printout does not show: `Scale()`).
    pub(super) fn metaformer_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        for (n, half) in ["1", "2"].into_iter().enumerate() {
            let mixer = if n == 0 { "token_mixer" } else { "mlp" };
            let here = output_of(input, list).unwrap_or(input);
            let at = branch_base(base, list, 0);
            let mut body = Vec::new();
            let names = [
                format!("norm{half}"),
                mixer.into(),
                format!("drop_path{half}"),
            ];
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            for name in names {
                // MetaFormer's own `Attention` (a fused qkv and nothing
                // hidden); classes of that name elsewhere (BEiT's, SAM's)
                // hold biases and position tables a printout does not show.
                match Self::child(node, name) {
                    Some(c) if name == "token_mixer" && c.class == "Attention" => {
                        self.fused_attention(c, here, &mut body, &at)
                    }
                    _ => self.run(node, &[name], here, &mut body, &at),
                }
            }
            self.scale(node, &format!("layer_scale{half}"), &mut body);
            let mut skip = Vec::new();
            self.scale(node, &format!("res_scale{half}"), &mut skip);
            list.push(merge(Kind::Add, vec![body, skip]));
        }
    }

    /// timm's `InceptionDWConv2d` (InceptionNeXt): the channels split into
    /// four, the first kept as it is and the others through a square, a
    /// wide and a tall depthwise convolution, concatenated again. The split
    /// is in `forward`: each convolution's width, the rest untouched.
    pub(super) fn inception_dw(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let width = Self::child(node, "dwconv_hw")
            .and_then(|c| Args::of(&c.args).get("in_channels", 0)?.parse::<u64>().ok());
        let Some(gc) = width else {
            return self.lacks(node, "dwconv_hw");
        };
        let c = here.channels();
        let Some(kept) = c.checked_sub(gc.saturating_mul(3)).filter(|&k| k > 0) else {
            let message = t!(
                "import-channels",
                want = gc.saturating_mul(3).to_string(),
                got = c.to_string()
            );
            return self.fail(node, message);
        };
        let parts: [(u64, u64, &[&str]); 4] = [
            (0, kept, &[]),
            (kept, kept + gc, &["dwconv_hw"]),
            (kept + gc, kept + 2 * gc, &["dwconv_w"]),
            (kept + 2 * gc, c, &["dwconv_h"]),
        ];
        self.split_concat(node, here, list, base, &parts);
    }

    /// The channels of `here` split as `parts` say (a part's channels
    /// `start..end`, then the children it names), concatenated again: a
    /// split written in `forward`, as slices.
    pub(super) fn split_concat(
        &mut self,
        node: &Node,
        here: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
        parts: &[(u64, u64, &[&str])],
    ) {
        let mut branches = Vec::new();
        for (b, &(start, end, names)) in parts.iter().enumerate() {
            let path = branch_base(base, list, b);
            let mut out = Vec::new();
            let [start, end] = [start, end].map(|n| Value::Int(i64::try_from(n).unwrap_or(0)));
            match make(Kind::Slice, &[(Field::Start, start), (Field::End, end)]) {
                Ok(layer) => self.push(&mut out, &path, layer, None),
                Err(e) => return self.fail(node, e),
            }
            self.run(node, names, here, &mut out, &path);
            branches.push(out);
        }
        list.push(merge(Kind::Concat, branches));
    }

    /// timm's `MetaNeXtBlock`: token mixer, norm and MLP, scaled per
    /// channel by `gamma` (a parameter of its own that a printout does not
    /// show, there unless built with `ls_init_value=None`: said in its
    /// note), added to the input.
    pub(super) fn metanext_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let names = Self::present(node, &["token_mixer", "norm", "mlp", "drop_path"]);
        let at = branch_base(base, list, 0);
        let mut body = self.branch(node, &names, here, list, base, 0);
        let note = t!("import-hidden-gamma", class = node.class.clone());
        self.push(&mut body, &at, Layer::new(Kind::LayerScale), Some(note));
        list.push(merge(Kind::Add, vec![body, Vec::new()]));
    }

    /// The child `name` when it is timm's `Scale()` (a weight per channel,
    /// not printed): a `layer_scale`; `Identity` or nothing adds nothing.
    fn scale(&mut self, node: &Node, name: &str, out: &mut Vec<Layer>) {
        match Self::child(node, name) {
            Some(c) if c.class == "Scale" && c.args.is_empty() && c.children.is_empty() => {
                self.mark_read(c);
                out.push(Layer::new(Kind::LayerScale));
            }
            Some(c) if c.class == "Identity" => {}
            Some(c) => self.fail(c, t!("import-unknown-module", class = c.class.clone())),
            None => {}
        }
    }

    /// GoogLeNet's `Inception`: four branches side by side, concatenated.
    pub(super) fn inception(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        // S3D's SepInceptionBlock3D counts its branches from 0.
        let names = if Self::child(node, "branch0").is_some() {
            ["branch0", "branch1", "branch2", "branch3"]
        } else {
            ["branch1", "branch2", "branch3", "branch4"]
        };
        let branches = (0..names.len())
            .map(|b| self.branch(node, &names[b..=b], here, list, base, b))
            .collect();
        list.push(merge(Kind::Concat, branches));
    }

    /// Inception v3's `InceptionA`…`InceptionE`: branches of named
    /// children, concatenated. Their pools are calls in `forward`, not
    /// children: a 3×3 average of stride 1 and padding 1 before
    /// `branch_pool`, a 3×3 max of stride 2 as a branch of its own in the
    /// reductions (B, D). E's 3×3 branches end in two convolutions of the
    /// same input (1×3 and 3×1), concatenated.
    pub(super) fn inception_v3(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        enum Step {
            Children(&'static [&'static str]),
            /// Two children of the same input, concatenated.
            Pair(&'static str, &'static str),
            AvgPool,
            MaxPool,
        }
        use Step::{AvgPool, Children as C, MaxPool, Pair};
        let plan: &[&[Step]] = match node.class.trim_start_matches("Quantizable") {
            "InceptionA" => &[
                &[C(&["branch1x1"])],
                &[C(&["branch5x5_1", "branch5x5_2"])],
                &[C(&["branch3x3dbl_1", "branch3x3dbl_2", "branch3x3dbl_3"])],
                &[AvgPool, C(&["branch_pool"])],
            ],
            "InceptionB" => &[
                &[C(&["branch3x3"])],
                &[C(&["branch3x3dbl_1", "branch3x3dbl_2", "branch3x3dbl_3"])],
                &[MaxPool],
            ],
            "InceptionC" => &[
                &[C(&["branch1x1"])],
                &[C(&["branch7x7_1", "branch7x7_2", "branch7x7_3"])],
                &[C(&[
                    "branch7x7dbl_1",
                    "branch7x7dbl_2",
                    "branch7x7dbl_3",
                    "branch7x7dbl_4",
                    "branch7x7dbl_5",
                ])],
                &[AvgPool, C(&["branch_pool"])],
            ],
            "InceptionD" => &[
                &[C(&["branch3x3_1", "branch3x3_2"])],
                &[C(&[
                    "branch7x7x3_1",
                    "branch7x7x3_2",
                    "branch7x7x3_3",
                    "branch7x7x3_4",
                ])],
                &[MaxPool],
            ],
            _ => &[
                &[C(&["branch1x1"])],
                &[C(&["branch3x3_1"]), Pair("branch3x3_2a", "branch3x3_2b")],
                &[
                    C(&["branch3x3dbl_1", "branch3x3dbl_2"]),
                    Pair("branch3x3dbl_3a", "branch3x3dbl_3b"),
                ],
                &[AvgPool, C(&["branch_pool"])],
            ],
        };
        let pool = |kind: Kind, stride: i64, padding: i64| {
            make(
                kind,
                &[
                    (Field::Kernel, Value::Int(3)),
                    (Field::Stride, Value::Int(stride)),
                    (Field::Padding, Value::Int(padding)),
                ],
            )
        };
        let here = output_of(input, list).unwrap_or(input);
        let mut branches = Vec::new();
        for (b, steps) in plan.iter().enumerate() {
            let path = branch_base(base, list, b);
            let mut out = Vec::new();
            for step in *steps {
                match step {
                    C(names) => self.run(node, names, here, &mut out, &path),
                    Pair(x, y) => {
                        let from = output_of(here, &out).unwrap_or(here);
                        let inner = [path.as_slice(), &[out.len()]].concat();
                        let pair = [x, y].map(|name| {
                            let mut one = Vec::new();
                            self.run(node, &[name], from, &mut one, &inner);
                            one
                        });
                        out.push(merge(Kind::Concat, pair.into()));
                    }
                    AvgPool | MaxPool => {
                        let made = match step {
                            AvgPool => pool(Kind::AvgPool, 1, 1),
                            _ => pool(Kind::MaxPool, 2, 0),
                        };
                        match made {
                            Ok(layer) => self.push(&mut out, &path, layer, None),
                            Err(e) => self.fail(node, e),
                        }
                    }
                }
            }
            branches.push(out);
        }
        list.push(merge(Kind::Concat, branches));
    }

    /// GoogLeNet's `BasicConv2d`: `conv`, `bn`, and the ReLU its forward
    /// applies.
    pub(super) fn basic_conv(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        self.run(node, &["conv", "bn"], input, list, base);
        list.push(Layer::new(Kind::Relu));
    }

    /// timm's `BasicBlock` and `Bottleneck`: the children in the order
    /// printed (as timm's forward runs them), added to the input or to its
    /// `downsample`, then the last activation (`act2`, or `act3` with a
    /// third conv), which timm applies after the sum.
    pub(super) fn timm_residual(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let last = if Self::child(node, "conv3").is_some() {
            "act3"
        } else {
            "act2"
        };
        let here = output_of(input, list).unwrap_or(input);
        let order: Vec<&str> = node
            .children
            .iter()
            .map(|c| c.name.as_str())
            .filter(|n| !["downsample", "drop_path", last].contains(n))
            .chain(Self::child(node, "drop_path").map(|_| "drop_path"))
            .collect();
        let body = self.branch(node, &order, here, list, base, 0);
        let mut skip = self.skip(node, "downsample", here, list, base);
        self.avg_down(&mut skip, &branch_base(base, list, 1));
        list.push(merge(Kind::Add, vec![body, skip]));
        self.run(node, &[last], input, list, base);
    }

    /// timm's squeeze-excitation modules (`SEModule`, `SqueezeExcite`): the
    /// input times a gate computed from its channels' means (the mean is in
    /// forward, so not printed).
    pub(super) fn timm_se(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let mut gate = match make(Kind::AdaptiveAvgPool, &[(Field::Output, Value::Int(1))]) {
            Ok(pool) => vec![pool],
            Err(e) => return self.fail(node, e),
        };
        let names: Vec<&str> = node.children.iter().map(|c| c.name.as_str()).collect();
        let at = branch_base(base, list, 1);
        self.run(node, &names, here, &mut gate, &at);
        list.push(merge(Kind::Multiply, vec![Vec::new(), gate]));
    }

    /// timm's `InvertedResidual` and `DepthwiseSeparableConv`: the children
    /// in order, plus the input when the stride is 1 and the shape is kept.
    pub(super) fn timm_inverted(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let names: Vec<&str> = node.children.iter().map(|c| c.name.as_str()).collect();
        let body = self.branch(node, &names, here, list, base, 0);
        if output_of(here, &body) == Some(here) {
            list.push(merge(Kind::Add, vec![body, Vec::new()]));
        } else {
            list.push(merge(Kind::Block, vec![body]));
        }
    }

    /// timm's `BatchNormAct2d` and `GroupNormAct`: the norm (`class`, its
    /// arguments printed first) and its `drop` and `act` children.
    pub(super) fn norm_act(
        &mut self,
        node: &Node,
        class: &str,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let norm = Node {
            class: class.into(),
            children: Vec::new(),
            repeat: 1,
            ..node.clone()
        };
        self.leaf(&norm, input, list, base);
        let names: Vec<&str> = node.children.iter().map(|c| c.name.as_str()).collect();
        self.run(node, &names, input, list, base);
    }

    /// timm's `SelectAdaptivePool2d`, printed on one line: the global pool
    /// its `pool_type` names, then the flatten when `flatten` is one.
    pub(super) fn select_pool(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let args = Args::of(&node.args);
        let kind = match args.get("pool_type", 0).map(|t| t.trim_matches('\'')) {
            Some("avg") => Kind::AdaptiveAvgPool,
            Some("max") => Kind::AdaptiveMaxPool,
            Some("") | None => return,
            Some(other) => {
                let why = t!("import-pool-type", pool = other.to_string());
                let shown = format!("{}({})", node.class, node.args);
                return self.fail(node, t!("import-cannot-read", module = shown, why = why));
            }
        };
        let flatten = args
            .get("flatten", 1)
            .is_some_and(|f| f.starts_with("Flatten"));
        match make(kind, &[(Field::Output, Value::Int(1))]) {
            Ok(pool) => self.push(list, base, pool, None),
            Err(e) => return self.fail(node, e),
        }
        if flatten && output_of(input, list).is_some() {
            self.push(list, base, Layer::new(Kind::Flatten), None);
        }
    }

    /// timm's `ConvNeXtBlock`: a depthwise conv, a norm and an MLP over
    /// the channels, a learned per-channel `gamma` (a parameter, so not
    /// printed; ConvNeXt V2 has none), added to the input through
    /// `shortcut`.
    pub(super) fn convnext_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let at = branch_base(base, list, 0);
        let mut body = Vec::new();
        self.run(node, &["conv_dw"], here, &mut body, &at);
        for name in ["norm", "mlp"] {
            if let Some(child) = Self::child(node, name) {
                self.on_channels(child, here, &mut body, &at);
            }
        }
        // ConvNeXt V2's blocks (a GRN in their MLP) are built without
        // gamma: timm makes every convnextv2 with ls_init_value=None.
        let v2 = Self::child(node, "mlp").is_some_and(|m| m.class == "GlobalResponseNormMlp");
        let note = if v2 {
            t!("import-no-layer-scale", class = node.class.clone())
        } else {
            body.push(Layer::new(Kind::LayerScale));
            t!("import-layer-scale", class = node.class.clone())
        };
        if !self.header.contains(&note) {
            self.header.push(note);
        }
        if Self::child(node, "drop_path").is_some() {
            self.run(node, &["drop_path"], here, &mut body, &at);
        }
        let skip = self.skip(node, "shortcut", here, list, base);
        list.push(merge(Kind::Add, vec![body, skip]));
    }

    /// `node` acting on the channels of a map (channels last, as between
    /// two Permutes): a LayerNorm or Linear over C counts as layerlab's
    /// over-the-channels norm and 1×1 conv; a container is opened.
    pub(super) fn on_channels(
        &mut self,
        node: &Node,
        here: Shape,
        body: &mut Vec<Layer>,
        at: &[usize],
    ) {
        self.mark_read(node);
        let args = Args::of(&node.args);
        let channels = output_of(here, body).map(Shape::channels);
        let made = match node.class.as_str() {
            "LayerNorm" => {
                let n = args.get("normalized_shape", 0).and_then(numbers);
                let bias = args.get("bias", 3).and_then(boolean).unwrap_or(true);
                let affine = (args.get("elementwise_affine", 2).and_then(boolean)).unwrap_or(true);
                match (n.as_deref(), channels) {
                    (Some([n]), Some(c)) if u64::try_from(*n).ok() == Some(c) => make(
                        Kind::LayerNorm,
                        &[
                            (Field::Over, Value::Word("channels".into())),
                            (Field::Affine, Value::Bool(affine)),
                            (Field::Bias, Value::Bool(bias)),
                        ],
                    ),
                    _ => Err(t!("import-channels-last", module = node.class.clone())),
                }
            }
            "Linear" => {
                let inputs = args
                    .get("in_features", 0)
                    .and_then(|v| v.parse::<u64>().ok());
                let out = args
                    .get("out_features", 1)
                    .and_then(|v| v.parse::<i64>().ok());
                let bias = args.get("bias", 2).and_then(boolean).unwrap_or(true);
                match (inputs, out) {
                    (Some(i), Some(o)) if Some(i) == channels => make(
                        Kind::Conv2d,
                        &[
                            (Field::Filters, Value::Int(o)),
                            (Field::Kernel, Value::Int(1)),
                            (Field::Bias, Value::Bool(bias)),
                        ],
                    ),
                    _ => Err(t!("import-channels-last", module = node.class.clone())),
                }
            }
            _ if !node.children.is_empty() && node.args.is_empty() => {
                for child in &node.children {
                    self.on_channels(child, here, body, at);
                }
                return;
            }
            _ => return self.module(node, here, body, at),
        };
        match made {
            Ok(layer) => body.push(layer),
            Err(e) => self.fail(node, e),
        }
    }
}

/// A slice of channels `start..end`, as a branch's first layer.
pub(super) fn slice(start: u64, end: u64) -> Result<Layer, String> {
    let [start, end] = [start, end].map(|n| Value::Int(i64::try_from(n).unwrap_or(0)));
    make(Kind::Slice, &[(Field::Start, start), (Field::End, end)])
}

/// An upsample to `h`×`w` by `mode` (what a forward's `F.interpolate`
/// to a size, or a 1×1 stretched over a map, does).
pub(super) fn resize_to(h: u64, w: u64, mode: &str) -> Result<Layer, String> {
    let [h, w] = [h, w].map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    make(
        Kind::Upsample,
        &[
            (Field::Size, Value::Pair(h, w)),
            (Field::Mode, Value::Word(mode.into())),
        ],
    )
}

/// Tokens folded back into an `h`×`w` map.
pub(super) fn fold(h: u64, w: u64) -> Result<Layer, String> {
    let [h, w] = [h, w].map(|n| i64::try_from(n).unwrap_or(i64::MAX));
    make(
        Kind::ToImage,
        &[
            (Field::Height, Value::Int(h)),
            (Field::Width, Value::Int(w)),
        ],
    )
}

/// A branch to build: its first layer, then the modules it runs.
type Branch<'n> = (Result<Layer, String>, Vec<&'n Node>);

impl Ctx {
    /// The children of a `ModuleList`, a printed `(0-2): 3 x Conv2d` counted
    /// as the three it stands for; more copies in all than an import holds
    /// are refused at the list's line (`None`), never allocated.
    pub(super) fn listed<'n>(&mut self, node: &'n Node) -> Option<Vec<&'n Node>> {
        let total = (node.children.iter()).fold(0u64, |n, c| n.saturating_add(c.repeat));
        if total > super::MAX_COPIES {
            let n = total.to_string();
            self.fail(
                node,
                t!("import-too-many-copies", n = n, max = super::MAX_COPIES),
            );
            return None;
        }
        Some(
            (node.children.iter())
                .flat_map(|c| std::iter::repeat_n(c, usize::try_from(c.repeat).unwrap_or(0)))
                .collect(),
        )
    }
}

impl Ctx {
    /// timm's Res2Net `Bottle2neck`. Its forward splits `conv1`'s output
    /// into `scale` parts of `width` channels; part i goes through
    /// `convs[i]`, `bns[i]` and `relu`, after the previous part's result
    /// is added to it (not in a stage's first block, which has `pool` and
    /// pools the last part instead); the last part is kept. A chain of
    /// concatenations holds that without copying a weight: each step
    /// replaces one part by its result and passes the others on.
    pub(super) fn bottle2neck(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let at = branch_base(base, list, 0);
        let mut body = Vec::new();
        self.bottle2neck_body(node, here, &mut body, &at);
        let mut skip = self.skip(node, "downsample", here, list, base);
        self.avg_down(&mut skip, &branch_base(base, list, 1));
        list.push(merge(Kind::Add, vec![body, skip]));
        if let Some(relu) = Self::child(node, "relu") {
            self.module(relu, input, list, base);
        }
    }

    /// What a Res2Net bottleneck computes before its shortcut is added:
    /// into `body` (at `at`), which starts from `here`.
    fn bottle2neck_body(&mut self, node: &Node, here: Shape, body: &mut Vec<Layer>, at: &[usize]) {
        let (Some(convs), Some(bns), Some(relu)) = (
            Self::child(node, "convs"),
            Self::child(node, "bns"),
            Self::child(node, "relu"),
        ) else {
            return self.lacks(node, "convs");
        };
        let (Some(convs), Some(bns)) = (self.listed(convs), self.listed(bns)) else {
            return;
        };
        let width = (convs.first())
            .and_then(|c| Args::of(&c.args).get("in_channels", 0)?.parse::<u64>().ok());
        self.run(node, &["conv1", "bn1"], here, body, at);
        self.module(relu, here, body, at);
        let split = output_of(here, body).map(|s| s.channels());
        let (Some(width), Some(channels)) = (width, split) else {
            return self.lacks(node, "convs");
        };
        let scale = channels.checked_div(width).unwrap_or(0);
        if convs.len() != bns.len() || width == 0 || scale * width != channels || scale == 0 {
            let message = t!(
                "import-split-mismatch",
                class = node.class.clone(),
                channels = channels.to_string(),
                parts = convs.len().to_string()
            );
            return self.fail(node, message);
        }
        let pool = Self::child(node, "pool");
        let part = |i: u64| slice(i * width, (i + 1) * width);
        let mut steps: Vec<Vec<Branch>> = Vec::new();
        let last_kept = usize::try_from(scale).unwrap_or(0) > convs.len();
        if pool.is_some() || scale == 1 {
            // Each part on its own: one concatenation.
            let mut branches = Vec::new();
            for (i, (conv, bn)) in convs.iter().zip(&bns).enumerate() {
                branches.push((part(i as u64), vec![*conv, *bn, relu]));
            }
            if last_kept {
                branches.push((part(scale - 1), pool.into_iter().collect()));
            }
            steps.push(branches);
        } else {
            for (i, (conv, bn)) in convs.iter().zip(&bns).enumerate() {
                let i = i as u64;
                let mut branches = Vec::new();
                if i > 0 {
                    branches.push((slice(0, i * width), Vec::new()));
                }
                let first = if i == 0 {
                    part(0)
                } else {
                    match (part(i - 1), part(i)) {
                        (Ok(a), Ok(b)) => Ok(merge(Kind::Add, vec![vec![a], vec![b]])),
                        (Err(e), _) | (_, Err(e)) => Err(e),
                    }
                };
                branches.push((first, vec![*conv, *bn, relu]));
                if i + 1 < scale {
                    branches.push((slice((i + 1) * width, channels), Vec::new()));
                }
                steps.push(branches);
            }
        }
        for step in steps {
            let from = output_of(here, body).unwrap_or(here);
            let mut merged = Vec::new();
            for (b, (first, nodes)) in step.into_iter().enumerate() {
                let path = branch_base(at, body, b);
                let mut out = Vec::new();
                match first {
                    Ok(layer) => self.push(&mut out, &path, layer, None),
                    Err(e) => return self.fail(node, e),
                }
                // Each listed once: a printed `3 x` is three of them.
                for n in nodes {
                    self.module_once(n, from, &mut out, &path);
                }
                merged.push(out);
            }
            body.push(merge(Kind::Concat, merged));
        }
        let tail = Self::present(node, &["conv3", "bn3", "se", "drop_path"]);
        self.run(node, &tail, here, body, at);
    }
}

impl Ctx {
    /// timm's DPN `DualPathBlock`. Its tensor is a residual part (the
    /// first `c` channels) and a dense part. The block adds the body's
    /// first `c` channels to the residual part (of the input, or of its
    /// projection `c1x1_w_s1`/`_s2`) and appends the body's rest to the
    /// dense part. Read as: the projection (or the input) beside the
    /// body, concatenated once; then that tensor's slices rearranged, the
    /// two residual slices added. The projection's width gives `c` (it is
    /// `c` + 2 × what a block appends), kept for the stage's later blocks.
    pub(super) fn dual_path_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let proj = Self::present(node, &["c1x1_w_s1", "c1x1_w_s2"]);
        let two = Self::has(node, &["c1x1_c1", "c1x1_c2"]);
        let side = self.branch(node, &proj, here, list, base, 0);
        let at = branch_base(base, list, 1);
        let mut body = Vec::new();
        self.run(node, &["c1x1_a", "c3x3_b", "c1x1_c"], here, &mut body, &at);
        if two {
            let from = output_of(here, &body).unwrap_or(here);
            let one = self.branch(node, &["c1x1_c1"], from, &body, &at, 0);
            let other = self.branch(node, &["c1x1_c2"], from, &body, &at, 1);
            body.push(merge(Kind::Concat, vec![one, other]));
        }
        let width = |layers: &[Layer]| output_of(here, layers).map(|s| s.channels());
        let (Some(s), Some(y)) = (width(&side), width(&body)) else {
            // A misfit inside was said where it is.
            return list.push(merge(Kind::Concat, vec![side, body]));
        };
        let c = match (proj.is_empty(), Self::child(node, "c1x1_c1")) {
            (false, _) if s > y && 2 * y > s => Some(2 * y - s),
            (_, Some(c1)) => Args::of(&c1.args)
                .get("out_channels", 1)
                .and_then(|n| n.parse::<u64>().ok()),
            (true, None) => self.dual_path,
            (false, None) => None,
        };
        let Some(c) = c.filter(|&c| c > 0 && c <= s.min(y)) else {
            let message = t!("import-dual-path", class = node.class.clone());
            return self.fail(node, message);
        };
        if !proj.is_empty() {
            self.dual_path = Some(c);
        }
        list.push(merge(Kind::Concat, vec![side, body]));
        let parts = [
            (slice(0, c), Some(slice(s, s + c))),
            (slice(c, s), None),
            (slice(s + c, s + y), None),
        ];
        let mut branches = Vec::new();
        for (first, added) in parts {
            let layer = match (first, added) {
                (Ok(a), Some(Ok(b))) => merge(Kind::Add, vec![vec![a], vec![b]]),
                (Ok(a), None) => a,
                (Err(e), _) | (_, Some(Err(e))) => return self.fail(node, e),
            };
            branches.push(vec![layer]);
        }
        list.push(merge(Kind::Concat, branches));
    }
}

impl Ctx {
    /// timm's `ScaledStdConv2d`: a convolution whose weights are
    /// standardized in forward (no weights of its own for that) and scaled
    /// by `gain`, one weight per filter that its printout does not show: a
    /// `layer_scale` after it, said once.
    pub(super) fn scaled_std_conv(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let before = list.len();
        self.leaf(node, input, list, base);
        if list.len() > before {
            let note = t!("import-conv-gain", class = node.class.clone());
            let note = self.unsaid(note);
            self.push(list, base, Layer::new(Kind::LayerScale), note);
        }
    }

    /// A module read as a leaf, with `note` on it the first time it is said.
    pub(super) fn leaf_noted(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
        note: String,
    ) {
        let at = [base, &[list.len()]].concat();
        self.leaf(node, input, list, base);
        if !self.notes.values().any(|said| *said == note) && list.len() > at[at.len() - 1] {
            self.notes.insert(at, note);
        }
    }

    /// timm's `NormFreeBlock` (NFNet, NF-ResNet, NF-RegNet): `act1`, then
    /// the body added to the input or to `downsample` of `act1`'s output.
    /// Its `alpha`, `beta` and `attn_gain` are plain numbers; built with
    /// `skipinit=True` it has one weight more, which its printout does not
    /// show: said in the header.
    pub(super) fn norm_free_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let note = t!("import-skipinit");
        if !self.header.contains(&note) {
            self.header.push(note);
        }
        let body = [
            "conv1",
            "act2",
            "conv2",
            "act2b",
            "conv2b",
            "attn",
            "act3",
            "conv3",
            "attn_last",
            "drop_path",
        ];
        self.pre_activated(node, "act1", &body, input, list, base);
    }

    /// A pre-activation residual (timm's ResNetV2 `PreActBottleneck` and
    /// `PreActBasic`, `NormFreeBlock`): `first` (a norm or activation),
    /// then those of `body` present, added to the input, or to
    /// `downsample` of `first`'s output where there is one.
    pub(super) fn pre_activated(
        &mut self,
        node: &Node,
        first: &str,
        body: &[&str],
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let body = Self::present(node, body);
        if Self::child(node, "downsample").is_some() {
            self.run(node, &[first], input, list, base);
            let here = output_of(input, list).unwrap_or(input);
            let body = self.branch(node, &body, here, list, base, 0);
            let mut skip = self.skip(node, "downsample", here, list, base);
            self.avg_down(&mut skip, &branch_base(base, list, 1));
            list.push(merge(Kind::Add, vec![body, skip]));
        } else {
            let names: Vec<&str> = std::iter::once(first).chain(body).collect();
            self.beside_input(Kind::Add, node, &names, input, list, base);
        }
    }
}

impl Ctx {
    /// timm's `PatchEmbed` as ViTs and MLP-Mixers build it: `proj`, the
    /// map's positions as tokens (its forward's `flatten(2).transpose(1,
    /// 2)`), then `norm`.
    pub(super) fn patch_embed(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        self.run(node, &["proj"], input, list, base);
        // A map norm after it (FasterNet's PatchEmbed: BatchNorm2d) says
        // this one keeps the map.
        let map_norm = Self::child(node, "norm").is_some_and(|n| n.class.ends_with("2d"));
        if !map_norm {
            let note = t!("import-patch-tokens", class = node.class.clone());
            let note = self.unsaid(note);
            self.push(list, base, Layer::new(Kind::ToTokens), note);
        }
        let rest = Self::present(node, &["norm"]);
        self.run(node, &rest, input, list, base);
    }

    /// timm's `MixerBlock`: the token-mixing MLP runs along the tokens
    /// (its forward transposes `[L, E]` to `[E, L]` and back, to_tokens
    /// here), then the channel-mixing MLP; each added to its input.
    pub(super) fn mixer_block(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        // ResMLP's `ResBlock` mixes tokens by one `linear_tokens` and
        // scales both halves by `ls1`/`ls2`, parameters of its own a
        // printout does not show (said).
        let res_mlp = Self::child(node, "linear_tokens").is_some();
        let mixer = if res_mlp {
            "linear_tokens"
        } else {
            "mlp_tokens"
        };
        let drop = Self::present(node, &["drop_path"]);
        let here = output_of(input, list).unwrap_or(input);
        let at = branch_base(base, list, 0);
        let mut tokens = Vec::new();
        self.run(node, &["norm1"], here, &mut tokens, &at);
        let note = t!("import-mixer-transpose");
        let note = self.unsaid(note);
        self.push(&mut tokens, &at, Layer::new(Kind::ToTokens), note);
        self.run(node, &[mixer], here, &mut tokens, &at);
        self.push(&mut tokens, &at, Layer::new(Kind::ToTokens), None);
        if res_mlp {
            let note = self.unsaid(t!("import-hidden-ls", class = node.class.clone()));
            self.push(&mut tokens, &at, Layer::new(Kind::LayerScale), note);
        }
        self.run(node, &drop, here, &mut tokens, &at);
        list.push(merge(Kind::Add, vec![tokens, Vec::new()]));
        let here = output_of(input, list).unwrap_or(input);
        let at = branch_base(base, list, 0);
        let mut channels = Vec::new();
        self.run(node, &["norm2", "mlp_channels"], here, &mut channels, &at);
        if res_mlp {
            self.push(&mut channels, &at, Layer::new(Kind::LayerScale), None);
        }
        self.run(node, &drop, here, &mut channels, &at);
        list.push(merge(Kind::Add, vec![channels, Vec::new()]));
    }

    /// The mean of a sequence's tokens (timm's `global_pool="avg"` on
    /// tokens, in forward): `[L, E]` swapped to `[E, L]`, then a global
    /// average pool, said in its note. Nothing on anything but a sequence.
    pub(super) fn token_mean(&mut self, input: Shape, list: &mut Vec<Layer>) {
        if !matches!(output_of(input, list), Some(Shape::Matrix { .. })) {
            return;
        }
        let note = t!("import-token-mean");
        self.push(list, &[], Layer::new(Kind::ToTokens), Some(note));
        self.push(list, &[], Layer::new(Kind::GlobalAvgPool), None);
    }
}

/// The `in_channels` and `out_channels` a printed convolution shows.
pub(super) fn conv_channels(conv: &Node) -> Option<(u64, u64)> {
    let args = Args::of(&conv.args);
    let n = |key, at| args.get(key, at)?.parse::<u64>().ok();
    Some((n("in_channels", 0)?, n("out_channels", 1)?))
}

impl Ctx {
    /// timm's DLA `DlaTree`. Its forward passes tensors down the tree:
    /// `tree1`'s output feeds `tree2` and is also kept for the root at the
    /// bottom right, which concatenates its two blocks' outputs with all
    /// that was kept (and, for a stage's top tree, the downsampled input).
    /// Read over one tensor that carries what is kept: `[x | kept]`, each
    /// step a concatenation of slices, so no weight is copied. Whether the
    /// downsampled input is kept (`level_root`) is not printed; the root's
    /// input width says it.
    pub(super) fn dla_tree(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        self.dla(node, input, list, base, here.channels());
    }

    /// A `DlaTree` on `[x | kept]`, `x` being the first `x` channels.
    fn dla(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>, base: &[usize], x: u64) {
        let here = output_of(input, list).unwrap_or(input);
        let total = here.channels();
        let Some(kept) = total.checked_sub(x) else {
            return self.fail(node, t!("import-dla-root", class = node.class.clone()));
        };
        let is_root = |n: &Node| Self::child(n, "root").is_some_and(|r| r.class != "Identity");
        // The bottom-right root, and how many trees lead down to it.
        let (mut leaf, mut depth) = (node, 1u64);
        while !is_root(leaf) {
            match Self::child(leaf, "tree2") {
                Some(next) if depth < 64 => (leaf, depth) = (next, depth + 1),
                _ => return self.lacks(node, "root"),
            }
        }
        let root = Self::child(leaf, "root").and_then(|r| Self::child(r, "conv"));
        let widths = root.and_then(conv_channels);
        let extra =
            widths.and_then(|(i, o)| i.checked_sub((depth + 1).checked_mul(o)?.checked_add(kept)?));
        let keeps_bottom = match extra {
            Some(0) => false,
            Some(e) if e == x => true,
            _ => return self.fail(node, t!("import-dla-root", class = node.class.clone())),
        };
        let (Some(tree1), Some(tree2)) = (Self::child(node, "tree1"), Self::child(node, "tree2"))
        else {
            return self.lacks(node, "tree1");
        };
        // Nothing kept yet: x → x1 in line, no concatenation of one.
        if kept == 0 && !keeps_bottom {
            self.dla_left(node, tree1, input, list, base, x);
        } else {
            self.dla_first(node, tree1, (here, x, kept, keeps_bottom), list, base);
        }
        let Some(x1) = output_of(input, list)
            .map(|s| s.channels())
            .and_then(|c| c.checked_sub(kept + if keeps_bottom { x } else { 0 }))
        else {
            return; // a misfit inside was said where it is
        };
        let here = output_of(input, list).unwrap_or(here);
        if is_root(node) {
            // [x1 | …] → [x2 | x1 | …] → the root over all of it.
            let path = branch_base(base, list, 0);
            let mut second = Vec::new();
            if let Ok(s) = slice(0, x1) {
                self.push(&mut second, &path, s, None);
            }
            self.dla_block(tree2, here, Vec::new(), &mut second, &path);
            list.push(merge(Kind::Concat, vec![second, Vec::new()]));
            if let Some(root) = Self::child(node, "root") {
                let names = Self::present(root, &["conv", "bn", "relu"]);
                self.run(root, &names, input, list, base);
            }
        } else {
            // x1 is kept too, then tree2 reads [x1 | kept].
            let keep = vec![slice(0, x1).unwrap_or_else(|_| Layer::new(Kind::Slice))];
            list.push(merge(Kind::Concat, vec![Vec::new(), keep]));
            self.dla(tree2, input, list, base, x1);
        }
    }

    /// A DLA tree's first step on `[x | kept]` (`state`: the map, x's and
    /// kept's channels, whether the bottom is kept): `[x1 | kept | bottom?]`.
    fn dla_first(
        &mut self,
        node: &Node,
        tree1: &Node,
        state: (Shape, u64, u64, bool),
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let (here, x, kept, keeps_bottom) = state;
        let total = x + kept;
        let mut branches = Vec::new();
        let path = branch_base(base, list, 0);
        let mut first = Vec::new();
        match slice(0, x) {
            Ok(s) => self.push(&mut first, &path, s, None),
            Err(e) => return self.fail(node, e),
        }
        self.dla_left(node, tree1, here, &mut first, &path, x);
        branches.push(first);
        if kept > 0 {
            branches.push(vec![
                slice(x, total).unwrap_or_else(|_| Layer::new(Kind::Slice)),
            ]);
        }
        if keeps_bottom {
            let path = branch_base(base, list, branches.len());
            let mut bottom = Vec::new();
            if let Ok(s) = slice(0, x) {
                self.push(&mut bottom, &path, s, None);
            }
            self.run(node, &["downsample"], here, &mut bottom, &path);
            branches.push(bottom);
        }
        list.push(merge(Kind::Concat, branches));
    }

    /// `tree1` of `node` on x (what `out`, which starts from `start`, gives
    /// now): a block added to the downsampled, projected x where `node` is
    /// a tree of blocks, else a tree of its own.
    fn dla_left(
        &mut self,
        node: &Node,
        tree1: &Node,
        start: Shape,
        out: &mut Vec<Layer>,
        base: &[usize],
        x: u64,
    ) {
        if Self::child(node, "root").is_some_and(|r| r.class != "Identity") {
            let here = output_of(start, out).unwrap_or(start);
            let skip = self.branch(node, &["downsample", "project"], here, out, base, 1);
            self.dla_block(tree1, start, skip, out, base);
        } else {
            self.dla(tree1, start, out, base, x);
        }
    }

    /// A DLA block (`DlaBasic`, `DlaBottleneck`) on what `out` gives,
    /// added to `skip` (made from `here`, the block's input), then ReLU.
    fn dla_block(
        &mut self,
        block: &Node,
        here: Shape,
        skip: Vec<Layer>,
        out: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let from = output_of(here, out).unwrap_or(here);
        let names: &[&str] = if Self::child(block, "conv3").is_some() {
            &[
                "conv1", "bn1", "relu", "conv2", "bn2", "relu", "conv3", "bn3",
            ]
        } else {
            &["conv1", "bn1", "relu", "conv2", "bn2"]
        };
        let body = match block.class.as_str() {
            "DlaBasic" | "DlaBottleneck" => self.branch(block, names, from, out, base, 0),
            "DlaBottle2neck" if Self::has(block, &["convs", "bns"]) => {
                let mut body = Vec::new();
                self.bottle2neck_body(block, from, &mut body, &branch_base(base, out, 0));
                body
            }
            _ => {
                let message = t!("import-dla-block", class = block.class.clone());
                return self.fail(block, message);
            }
        };
        out.push(merge(Kind::Add, vec![body, skip]));
        self.run(block, &["relu"], here, out, base);
    }
}

impl Ctx {
    /// A residual whose forward runs `body` (by name, a name may repeat),
    /// adds `downsample` of the input (or the input), then `last`.
    pub(super) fn residual_of(
        &mut self,
        node: &Node,
        body: &[&str],
        last: &[&str],
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let body = self.branch(node, body, here, list, base, 0);
        let mut skip = self.skip(node, "downsample", here, list, base);
        self.avg_down(&mut skip, &branch_base(base, list, 1));
        list.push(merge(Kind::Add, vec![body, skip]));
        self.run(node, last, input, list, base);
    }

    /// timm's `EcaModule` (efficient channel attention): the input times a
    /// gate made from its channels' means by a Conv1d run along the
    /// channels. The mean `[C, 1, 1]` is read as a signal of one channel
    /// and length C (to_tokens), and the gate folded back (to_image 1×1).
    pub(super) fn eca(&mut self, node: &Node, input: Shape, list: &mut Vec<Layer>, base: &[usize]) {
        let here = output_of(input, list).unwrap_or(input);
        let at = branch_base(base, list, 1);
        let pool = make(Kind::AdaptiveAvgPool, &[(Field::Output, Value::Int(1))]);
        let (Ok(pool), Ok(fold)) = (pool, fold(1, 1)) else {
            return self.lacks(node, "conv");
        };
        let mut gate = Vec::new();
        self.push(&mut gate, &at, pool, None);
        let note = t!("import-eca", class = node.class.clone());
        let note = self.unsaid(note);
        self.push(&mut gate, &at, Layer::new(Kind::ToTokens), note);
        let names = Self::present(node, &["conv", "act", "conv2", "gate"]);
        self.run(node, &names, here, &mut gate, &at);
        self.push(&mut gate, &at, fold, None);
        list.push(merge(Kind::Multiply, vec![Vec::new(), gate]));
    }

    /// timm's `MixedConv2d` (MixNet): the channels split in the order of
    /// its convolutions' inputs, each part through its own, concatenated.
    pub(super) fn mixed_conv(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let mut parts = Vec::new();
        let mut start = 0u64;
        for child in &node.children {
            let Some((c, _)) = conv_channels(child).filter(|_| child.repeat == 1) else {
                return self.fail(
                    node,
                    t!("import-unknown-module", class = node.class.clone()),
                );
            };
            let Some(end) = start.checked_add(c) else {
                return self.fail(
                    node,
                    t!("import-unknown-module", class = node.class.clone()),
                );
            };
            parts.push((start, end, [child.name.as_str()]));
            start = end;
        }
        if start != here.channels() {
            let message = t!(
                "import-channels",
                want = start.to_string(),
                got = here.channels().to_string()
            );
            return self.fail(node, message);
        }
        let parts: Vec<(u64, u64, &[&str])> =
            parts.iter().map(|(s, e, n)| (*s, *e, &n[..])).collect();
        self.split_concat(node, here, list, base, &parts);
    }
}

impl Ctx {
    /// timm's `GhostModuleV2` (GhostNetV2's attention mode): the ghost
    /// module's output (`primary_conv` beside `cheap_operation` of it, the
    /// first `out_chs` kept) times a gate: `short_conv` on the input
    /// average-pooled 2×2, `gate_fn`, scaled back by nearest interpolation
    /// to the output's size (all in forward, said). `out_chs` is what
    /// `short_conv` makes.
    pub(super) fn ghost_module_v2(
        &mut self,
        node: &Node,
        input: Shape,
        list: &mut Vec<Layer>,
        base: &[usize],
    ) {
        let here = output_of(input, list).unwrap_or(input);
        let out = (Self::child(node, "short_conv"))
            .and_then(|s| s.children.first())
            .and_then(conv_channels)
            .map(|(_, o)| o);
        let Some(out) = out else {
            return self.lacks(node, "short_conv");
        };
        let at = branch_base(base, list, 0);
        let mut ghost = Vec::new();
        self.run(node, &["primary_conv"], here, &mut ghost, &at);
        let from = output_of(here, &ghost).unwrap_or(here);
        let cheap = self.branch(node, &["cheap_operation"], from, &ghost, &at, 1);
        ghost.push(merge(Kind::Concat, vec![Vec::new(), cheap]));
        let made = output_of(here, &ghost);
        if made.is_some_and(|s| s.channels() > out) {
            match slice(0, out) {
                Ok(s) => self.push(&mut ghost, &at, s, None),
                Err(e) => return self.fail(node, e),
            }
        }
        let Some(Shape::Image { h, w, .. }) = output_of(here, &ghost) else {
            // A misfit inside was said where it is.
            return list.push(merge(Kind::Multiply, vec![ghost, Vec::new()]));
        };
        let at = branch_base(base, list, 1);
        let pool = make(
            Kind::AvgPool,
            &[
                (Field::Kernel, Value::Int(2)),
                (Field::Stride, Value::Int(2)),
            ],
        );
        let (Ok(pool), Ok(up)) = (pool, resize_to(h, w, "nearest")) else {
            return self.lacks(node, "short_conv");
        };
        let mut gate = Vec::new();
        let note = t!("import-ghost-v2", class = node.class.clone());
        let note = self.unsaid(note);
        self.push(&mut gate, &at, pool, note);
        self.run(node, &["short_conv", "gate_fn"], here, &mut gate, &at);
        self.push(&mut gate, &at, up, None);
        list.push(merge(Kind::Multiply, vec![ghost, gate]));
    }
}
