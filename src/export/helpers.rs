//! The Python helper classes exported PyTorch code uses where `torch.nn`
//! has no module of its own. A family names the ones its layer needs
//! (`Family::pytorch_helpers`); the exporter writes each once.

pub const POSITIONS: &str = r#"
class Positions(nn.Module):
    """layerlab's `pos_embedding`: learned positions added to the sequence
    (and `types` token-type vectors, BERT's, counted with them)."""

    def __init__(self, max_len, dim, types=0):
        super().__init__()
        self.max_len = max_len
        self.weight = nn.Parameter(torch.zeros(max_len + types, dim))

    def forward(self, x):
        assert x.shape[1] <= self.max_len, "the sequence is longer than max_len"
        return x + self.weight[: x.shape[1]]
"#;

pub const ATTENTION: &str = r#"
def causal_mask(n):
    return torch.triu(torch.full((n, n), float("-inf")), diagonal=1)


class SelfAttention(nn.Module):
    """layerlab's `attention`: nn.MultiheadAttention on (batch, L, E), the
    sequence attending to itself (each position to those before, if causal)."""

    def __init__(self, dim, heads, bias=True, causal=False, dropout=0.0):
        super().__init__()
        self.attention = nn.MultiheadAttention(dim, heads, bias=bias, batch_first=True, dropout=dropout)
        self.causal = causal

    def forward(self, x):
        mask = causal_mask(x.shape[1]) if self.causal else None
        return self.attention(x, x, x, attn_mask=mask, need_weights=False)[0]
"#;

pub const ENCODER: &str = r#"
class Encoder(nn.TransformerEncoderLayer):
    """layerlab's `transformer`: one post-norm encoder layer, batch first."""

    def __init__(self, dim, heads, ff, causal=False):
        super().__init__(dim, heads, ff, batch_first=True)
        self.causal = causal

    def forward(self, x):
        n = x.shape[1]
        mask = torch.triu(torch.full((n, n), float("-inf")), diagonal=1) if self.causal else None
        return super().forward(x, src_mask=mask)
"#;

pub const RECURRENT: &str = r#"
class Sequence(nn.Module):
    """A recurrent layer giving its output at every step (not its state)."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0]
"#;

pub const FIRST_TOKEN: &str = r#"
class FirstToken(nn.Module):
    """layerlab's `first_token`: the first position of each sequence ([CLS])."""

    def forward(self, x):
        return x[:, 0]
"#;

pub const LAYER_NORM: &str = r#"
def LayerNorm(dim, bias=True):
    """nn.LayerNorm, with no shift when bias is False (on any PyTorch)."""
    norm = nn.LayerNorm(dim)
    if not bias:
        norm.bias = None
    return norm
"#;

pub const BATCH_NORM: &str = r#"
def BatchNorm(kind, channels, weight=True, bias=True):
    """nn.BatchNormNd without its learned scale (weight) or shift (bias):
    Keras' BatchNormalization(scale=False) or (center=False)."""
    norm = kind(channels)
    if not weight:
        norm.weight = None
    if not bias:
        norm.bias = None
    return norm
"#;

pub const DROP_PATH: &str = r#"
class DropPath(nn.Module):
    """layerlab's `drop_path`: stochastic depth. In training each sample's
    path is dropped with probability p and the rest scaled up."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        keep = torch.rand((x.shape[0],) + (1,) * (x.dim() - 1), device=x.device) >= self.p
        return x * keep / (1 - self.p)
"#;

pub const CHANNELS: &str = r#"
class Channels(nn.Module):
    """A norm over the channels at every position of a map: channels moved
    last, normalised, moved back (ConvNeXt's LayerNorm2d)."""

    def __init__(self, norm):
        super().__init__()
        self.norm = norm

    def forward(self, x):
        return self.norm(x.movedim(1, -1)).movedim(-1, 1)
"#;

pub const MULTIPLY: &str = r#"
class Multiply(nn.Module):
    """layerlab's `multiply`: runs every branch on the input and multiplies
    them element-wise, broadcasting (an empty branch is the identity)."""

    def __init__(self, *branches):
        super().__init__()
        self.branches = nn.ModuleList(branches)

    def forward(self, x):
        out = self.branches[0](x)
        for branch in self.branches[1:]:
            out = out * branch(x)
        return out
"#;

pub const SHARED: &str = r#"
class Shared(nn.Module):
    """layerlab's `block` with `shared = true`: one body run n times with
    the same weights (ALBERT)."""

    def __init__(self, n, body):
        super().__init__()
        self.n = n
        self.body = body

    def forward(self, x):
        for _ in range(self.n):
            x = self.body(x)
        return x
"#;

pub const GROUPED_ATTENTION: &str = r#"
def rotate(x):
    """Rotary positions (RoPE, the half-split form Llama uses) on (b, h, n, d)."""
    n, d = x.shape[-2], x.shape[-1]
    inv = 1.0 / (10000 ** (torch.arange(0, d, 2, device=x.device, dtype=torch.float32) / d))
    angles = torch.arange(n, device=x.device, dtype=torch.float32)[:, None] * inv[None, :]
    cos, sin = angles.cos().repeat(1, 2), angles.sin().repeat(1, 2)
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin


class GroupedAttention(nn.Module):
    """layerlab's `attention` with grouped-query heads (kv_heads), a head
    width of its own, RMSNorm on queries and keys, rotary positions and a
    sliding window, over scaled_dot_product_attention."""

    def __init__(self, dim, heads, kv_heads, head_dim, bias=True, out_bias=True,
                 qk_norm=False, rope=False, window=None, causal=False, dropout=0.0):
        super().__init__()
        self.dropout = dropout
        self.heads, self.kv_heads, self.head_dim = heads, kv_heads, head_dim
        self.q = nn.Linear(dim, heads * head_dim, bias=bias)
        self.k = nn.Linear(dim, kv_heads * head_dim, bias=bias)
        self.v = nn.Linear(dim, kv_heads * head_dim, bias=bias)
        self.out = nn.Linear(heads * head_dim, dim, bias=out_bias)
        # qk_norm="all": one norm over every head's queries (keys), as OLMo 2.
        self.all = qk_norm == "all"
        q_width, k_width = (heads * head_dim, kv_heads * head_dim) if self.all else (head_dim, head_dim)
        self.q_norm = nn.RMSNorm(q_width) if qk_norm else None
        self.k_norm = nn.RMSNorm(k_width) if qk_norm else None
        self.rope, self.window, self.causal = rope, window, causal

    def forward(self, x):
        b, n, _ = x.shape
        split = lambda t, h: t.view(b, n, h, self.head_dim).transpose(1, 2)
        q, k = self.q(x), self.k(x)
        if self.all:
            q, k = self.q_norm(q), self.k_norm(k)
        q, k, v = split(q, self.heads), split(k, self.kv_heads), split(self.v(x), self.kv_heads)
        if self.q_norm is not None and not self.all:
            q, k = self.q_norm(q), self.k_norm(k)
        if self.rope:
            q, k = rotate(q), rotate(k)
        mask = None
        if self.causal or self.window:
            i = torch.arange(n, device=x.device)
            back = i[:, None] - i[None, :]
            mask = torch.ones(n, n, dtype=torch.bool, device=x.device)
            if self.causal:
                mask &= back >= 0
            if self.window:
                mask &= back.abs() < self.window
        group = self.heads // self.kv_heads
        k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
        p = self.dropout if self.training else 0.0
        y = nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p)
        return self.out(y.transpose(1, 2).reshape(b, n, -1))
"#;

pub const MOE: &str = r#"
class Expert(nn.Module):
    """One expert: gated (SwiGLU: down(act(gate(x)) * up(x)), no biases) or
    Linear, activation, Linear with biases."""

    def __init__(self, dim, ff, gated, act):
        super().__init__()
        self.gated, self.act = gated, act
        if gated:
            self.gate = nn.Linear(dim, ff, bias=False)
            self.up = nn.Linear(dim, ff, bias=False)
            self.down = nn.Linear(ff, dim, bias=False)
        else:
            self.up = nn.Linear(dim, ff)
            self.down = nn.Linear(ff, dim)

    def forward(self, x):
        if self.gated:
            return self.down(self.act(self.gate(x)) * self.up(x))
        return self.down(self.act(self.up(x)))


class MoE(nn.Module):
    """layerlab's `moe`: a router without bias sends each token to its top_k
    experts; shared experts see every token."""

    def __init__(self, dim, experts, top_k, ff, gated=True, act=None, shared=0):
        super().__init__()
        act = act if act is not None else nn.SiLU()
        self.top_k = top_k
        self.router = nn.Linear(dim, experts, bias=False)
        self.experts = nn.ModuleList(Expert(dim, ff, gated, act) for _ in range(experts))
        self.shared = nn.ModuleList(Expert(dim, ff, gated, act) for _ in range(shared))

    def forward(self, x):
        weights, chosen = self.router(x).softmax(-1).topk(self.top_k, dim=-1)
        out = torch.zeros_like(x)
        for expert in self.shared:
            out = out + expert(x)
        for k in range(self.top_k):
            for i, expert in enumerate(self.experts):
                hit = (chosen[..., k] == i).unsqueeze(-1)
                out = out + hit * weights[..., k : k + 1] * expert(x)
        return out
"#;

pub const MAMBA: &str = r#"
class Mamba(nn.Module):
    """layerlab's `mamba`: a Mamba (S6) mixer holding its weights as Hugging
    Face's MambaMixer does, with a plain (slow) selective scan."""

    def __init__(self, dim, state=16, conv=4, expand=2, dt_rank=None):
        super().__init__()
        inner = expand * dim
        self.dt_rank = dt_rank or -(-dim // 16)
        self.state = state
        self.in_proj = nn.Linear(dim, 2 * inner, bias=False)
        self.conv1d = nn.Conv1d(inner, inner, conv, groups=inner, padding=conv - 1)
        self.x_proj = nn.Linear(inner, self.dt_rank + 2 * state, bias=False)
        self.dt_proj = nn.Linear(self.dt_rank, inner)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, state + 1, dtype=torch.float32)).repeat(inner, 1))
        self.D = nn.Parameter(torch.ones(inner))
        self.out_proj = nn.Linear(inner, dim, bias=False)

    def forward(self, x):
        b, n, _ = x.shape
        u, gate = self.in_proj(x).chunk(2, dim=-1)
        u = nn.functional.silu(self.conv1d(u.transpose(1, 2))[..., :n]).transpose(1, 2)
        dt, B, C = self.x_proj(u).split([self.dt_rank, self.state, self.state], dim=-1)
        dt = nn.functional.softplus(self.dt_proj(dt))
        A = -torch.exp(self.A_log)
        h = torch.zeros(b, u.shape[-1], self.state, device=x.device)
        ys = []
        for t in range(n):
            step = dt[:, t, :, None]
            h = torch.exp(step * A) * h + step * B[:, t, None, :] * u[:, t, :, None]
            ys.append((h * C[:, t, None, :]).sum(-1))
        y = torch.stack(ys, dim=1) + u * self.D
        return self.out_proj(y * nn.functional.silu(gate))
"#;

pub const TO_TOKENS: &str = r#"
class ToTokens(nn.Module):
    """layerlab's `to_tokens`: a map's positions as a sequence, (b, C, …) → (b, positions, C)."""

    def forward(self, x):
        return x.flatten(2).transpose(1, 2)
"#;

pub const TO_IMAGE: &str = r#"
class ToImage(nn.Module):
    """layerlab's `to_image`: a sequence folded back into a map, (b, h·w, E) → (b, E, h, w)."""

    def __init__(self, height, width):
        super().__init__()
        self.height, self.width = height, width

    def forward(self, x):
        return x.transpose(1, 2).reshape(x.shape[0], -1, self.height, self.width)
"#;

pub const CLS_TOKEN: &str = r#"
class ClsToken(nn.Module):
    """layerlab's `cls_token`: learned tokens put before the sequence."""

    def __init__(self, dim, tokens=1):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, tokens, dim))

    def forward(self, x):
        return torch.cat([self.weight.expand(x.shape[0], -1, -1), x], dim=1)
"#;

pub const LAYER_SCALE: &str = r#"
class LayerScale(nn.Module):
    """layerlab's `layer_scale`: a learned scale per feature (per channel of a
    map), and a learned shift with `bias` (ResMLP's Affine)."""

    def __init__(self, dim, channels_first=False, bias=False):
        super().__init__()
        self.gamma = nn.Parameter(torch.full((dim,), 1e-6))
        self.beta = nn.Parameter(torch.zeros(dim)) if bias else None
        self.channels_first = channels_first

    def forward(self, x):
        shape = (-1,) + (1,) * (x.dim() - 2) if self.channels_first else (-1,)
        x = x * self.gamma.view(shape)
        return x if self.beta is None else x + self.beta.view(shape)
"#;

pub const SLICE: &str = r#"
class Slice(nn.Module):
    """layerlab's `slice`: part of dimension 1, start to end (exclusive)."""

    def __init__(self, start, end):
        super().__init__()
        self.start, self.end = start, end

    def forward(self, x):
        return x[:, self.start : self.end]
"#;

pub const GRN: &str = r#"
class Grn(nn.Module):
    """layerlab's `grn`: ConvNeXt V2's global response norm, channels first."""

    def __init__(self, channels):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(channels))
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x):
        dims = tuple(range(2, x.dim()))
        g = x.norm(p=2, dim=dims, keepdim=True)
        n = g / (g.mean(dim=1, keepdim=True) + 1e-6)
        shape = (1, -1) + (1,) * len(dims)
        return x + self.bias.view(shape) + self.weight.view(shape) * x * n
"#;

pub const STAR_RELU: &str = r#"
class StarReLU(nn.Module):
    """layerlab's `star_relu`: MetaFormer's s * relu(x)**2 + b (timm's)."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(1))
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return self.scale * torch.relu(x) ** 2 + self.bias
"#;
