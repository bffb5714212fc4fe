"""Independent numpy (float64) reference for lime's transformer loss and gradients.

Usage: python3 transformer_reference.py DUMP
DUMP is written by LimeTrainTests: a little-endian u64 header length, a JSON header
(config, batch, length, tensor layout, Swift's loss, tolerances), then float32 parameters,
float32 gradients (both `count` floats), int32 tokens, int32 targets and int32 metadata
ids per kind. The script recomputes loss and gradients with a hand-written backward pass,
checks that backward against float64 central differences of its own forward, and
compares with Swift. Prints one JSON line; exits 1 if any error exceeds its tolerance.
"""
import json
import struct
import sys

import numpy as np


def load(path):
    raw = open(path, "rb").read()
    (hlen,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + hlen])
    off = 8 + hlen
    count = header["count"]
    params = np.frombuffer(raw, "<f4", count, off).astype(np.float64); off += 4 * count
    grads = np.frombuffer(raw, "<f4", count, off).astype(np.float64); off += 4 * count
    n = header["batch"] * header["length"]
    tokens = np.frombuffer(raw, "<i4", n, off); off += 4 * n
    targets = np.frombuffer(raw, "<i4", n, off); off += 4 * n
    meta = []
    for _ in header["config"]["metadataVocabSizes"]:
        meta.append(np.frombuffer(raw, "<i4", n, off)); off += 4 * n
    assert off == len(raw), f"dump has {len(raw) - off} trailing bytes"
    return header, params, grads, tokens, targets, meta


def views(header, flat):
    return {t["name"]: flat[t["offset"]:t["offset"] + int(np.prod(t["shape"]))].reshape(t["shape"])
            for t in header["tensors"]}


def rope_tables(T, hd, base):
    half = hd // 2
    freq = base ** (-2.0 * np.arange(half) / hd)
    ang = np.arange(T)[:, None] * freq[None, :]
    return np.cos(ang), np.sin(ang)


def rope(x, cos, sin, sign):  # x [B, T, H, hd]
    half = x.shape[-1] // 2
    a, b = x[..., :half], x[..., half:]
    c, s = cos[None, :, None, :], sign * sin[None, :, None, :]
    return np.concatenate([a * c - b * s, a * s + b * c], axis=-1)


S2PI = np.sqrt(2.0 / np.pi)


def gelu(x):
    t = np.tanh(S2PI * (x + 0.044715 * x ** 3))
    return 0.5 * x * (1 + t), 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * S2PI * (1 + 3 * 0.044715 * x * x)


def rms_fwd(x, g, eps):
    r = 1.0 / np.sqrt((x * x).mean(-1, keepdims=True) + eps)
    return x * r * g, r


def rms_bwd(dy, x, g, r):
    n = x * r
    dyg = dy * g
    dx = r * (dyg - n * (dyg * n).mean(-1, keepdims=True))
    return dx, (dy * n).sum(0)


def model(P, cfg, B, T, tokens, targets, meta, want_grads):
    D, H, F, L = cfg["dModel"], cfg["heads"], cfg["mlpWidth"], cfg["layers"]
    hd, eps = D // H, cfg["normEps"]
    cos, sin = rope_tables(T, hd, cfg["ropeBase"])
    scale = np.sqrt(D)
    E = P["embed.token"]
    x = E[tokens].copy()
    for k in range(len(meta)):
        x += P[f"embed.meta{k}.scale"][0] * P[f"embed.meta{k}"][meta[k]]
    x *= scale
    mask = np.tril(np.ones((T, T), bool))
    caches = []
    for l in range(L):
        g1, Wqkv, Wo = P[f"layer{l}.norm1"], P[f"layer{l}.qkv"], P[f"layer{l}.out"]
        g2, Wup, Wdn = P[f"layer{l}.norm2"], P[f"layer{l}.up"], P[f"layer{l}.down"]
        h1, r1 = rms_fwd(x, g1, eps)
        qkv = (h1 @ Wqkv).reshape(B, T, 3, H, hd)
        q, k, v = rope(qkv[:, :, 0], cos, sin, 1), rope(qkv[:, :, 1], cos, sin, 1), qkv[:, :, 2]
        s = np.einsum("bihd,bjhd->bhij", q, k) / np.sqrt(hd)
        s = np.where(mask, s, -np.inf)
        p = np.exp(s - s.max(-1, keepdims=True))
        p /= p.sum(-1, keepdims=True)
        att = np.einsum("bhij,bjhd->bihd", p, v).reshape(B * T, D)
        xm = x + att @ Wo
        h2, r2 = rms_fwd(xm, g2, eps)
        u = h2 @ Wup
        gv, gs = gelu(u[:, :F])
        act = gv * u[:, F:]
        caches.append((x, h1, r1, q, k, v, p, att, xm, h2, r2, u, gv, gs, act))
        x = xm + act @ Wdn
    hf, rf = rms_fwd(x, P["final.norm"], eps)
    z = hf @ E.T
    valid = targets >= 0
    zmax = z.max(-1, keepdims=True)
    lse = np.log(np.exp(z - zmax).sum(-1)) + zmax[:, 0]
    rows = np.arange(len(targets))
    losses = np.where(valid, lse - z[rows, np.maximum(targets, 0)], 0.0)
    count = valid.sum()
    loss = losses.sum() / count
    if not want_grads:
        return loss, None
    G = {name: np.zeros_like(val) for name, val in P.items()}
    dz = np.exp(z - lse[:, None])
    dz[rows, np.maximum(targets, 0)] -= 1
    dz *= valid[:, None] / count
    G["embed.token"] += dz.T @ hf
    dx, G["final.norm"] = rms_bwd(dz @ E, x, P["final.norm"], rf)
    for l in reversed(range(L)):
        (xin, h1, r1, q, k, v, p, att, xm, h2, r2, u, gv, gs, act) = caches[l]
        Wqkv, Wo, Wup, Wdn = P[f"layer{l}.qkv"], P[f"layer{l}.out"], P[f"layer{l}.up"], P[f"layer{l}.down"]
        G[f"layer{l}.down"] = act.T @ dx
        dact = dx @ Wdn.T
        du = np.concatenate([dact * u[:, F:] * gs, dact * gv], axis=1)
        G[f"layer{l}.up"] = h2.T @ du
        dxm, G[f"layer{l}.norm2"] = rms_bwd(du @ Wup.T, xm, P[f"layer{l}.norm2"], r2)
        dx = dx + dxm
        G[f"layer{l}.out"] = att.T @ dx
        datt = (dx @ Wo.T).reshape(B, T, H, hd)
        dp = np.einsum("bihd,bjhd->bhij", datt, v)
        dv = np.einsum("bhij,bihd->bjhd", p, datt)
        ds = p * (dp - (p * dp).sum(-1, keepdims=True)) / np.sqrt(hd)
        dq = np.einsum("bhij,bjhd->bihd", ds, k)
        dk = np.einsum("bhij,bihd->bjhd", ds, q)
        dqkv = np.stack([rope(dq, cos, sin, -1), rope(dk, cos, sin, -1), dv], axis=2).reshape(B * T, 3 * D)
        G[f"layer{l}.qkv"] = h1.T @ dqkv
        dxi, G[f"layer{l}.norm1"] = rms_bwd(dqkv @ Wqkv.T, xin, P[f"layer{l}.norm1"], r1)
        dx = dx + dxi
    dx0 = dx * scale
    np.add.at(G["embed.token"], tokens, dx0)
    for k in range(len(meta)):
        w = P[f"embed.meta{k}.scale"][0]
        np.add.at(G[f"embed.meta{k}"], meta[k], w * dx0)
        G[f"embed.meta{k}.scale"] = np.array([(dx0 * P[f"embed.meta{k}"][meta[k]]).sum()])
    return loss, G


def main():
    header, params, swift_grads, tokens, targets, meta = load(sys.argv[1])
    cfg, B, T = header["config"], header["batch"], header["length"]
    P = views(header, params)
    loss, G = model(P, cfg, B, T, tokens, targets, meta, True)
    ref = np.zeros_like(params)
    R = views(header, ref)
    for name, g in G.items():
        R[name][...] = g
    # Self-check of the hand-written backward: float64 central differences.
    rng = np.random.default_rng(0)
    fd_err = 0.0
    for t in header["tensors"]:
        for _ in range(2):
            i = t["offset"] + rng.integers(int(np.prod(t["shape"])))
            keep = params[i]
            h = 1e-5
            params[i] = keep + h
            up = model(P, cfg, B, T, tokens, targets, meta, False)[0]
            params[i] = keep - h
            down = model(P, cfg, B, T, tokens, targets, meta, False)[0]
            params[i] = keep
            fd_err = max(fd_err, abs((up - down) / (2 * h) - ref[i]) / (1e-4 + abs(ref[i])))
    grad_scale = np.abs(ref).max()
    grad_err = np.abs(swift_grads - ref).max() / grad_scale
    loss_err = abs(header["loss"] - loss) / abs(loss)
    tol = header["tolerance"]
    ok = loss_err < tol["loss"] and grad_err < tol["grad"] and fd_err < 1e-4
    print(json.dumps({"reference_loss": loss, "swift_loss": header["loss"], "loss_rel_err": loss_err,
                      "grad_max_err_rel_to_max": grad_err, "reference_fd_self_check": fd_err, "ok": bool(ok)}))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
