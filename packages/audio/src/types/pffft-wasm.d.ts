// @echogarden/pffft-wasm ships no types: the Emscripten module's exports that dsp/fft.ts uses.
declare module '@echogarden/pffft-wasm/simd' {
  interface PffftModule {
    HEAPF32: Float32Array;
    _pffft_new_setup(n: number, kind: number): number;
    _pffft_aligned_malloc(bytes: number): number;
    _pffft_transform_ordered(
      setup: number,
      input: number,
      output: number,
      work: number,
      direction: number,
    ): void;
  }
  const createPffft: () => Promise<PffftModule>;
  export default createPffft;
}
