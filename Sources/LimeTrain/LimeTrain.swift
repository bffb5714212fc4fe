/// LimeTrain: BLAS-free SIMD kernels, a decoder-only transformer, and LIME training.
public enum LimeTrain {}
