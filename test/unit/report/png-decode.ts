import { inflateSync } from "node:zlib";

/** Independent bit-at-a-time CRC-32, so the tests do not check the encoder's CRC with itself. */
export function crc32Bitwise(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

export interface PngChunk {
  type: string;
  data: Buffer;
  crc: number;
  /** CRC computed here over type + data. */
  expectedCrc: number;
}

export interface DecodedPng {
  signature: Buffer;
  chunks: PngChunk[];
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  channels: number;
  /** Unfiltered pixel bytes, `channels` per pixel, row by row. */
  pixels: Uint8Array;
}

export function readChunks(png: Buffer): PngChunk[] {
  const chunks: PngChunk[] = [];
  for (let o = 8; o < png.length;) {
    const len = png.readUInt32BE(o);
    const typeAndData = png.subarray(o + 4, o + 8 + len);
    chunks.push({
      type: png.toString("latin1", o + 4, o + 8),
      data: png.subarray(o + 8, o + 8 + len),
      crc: png.readUInt32BE(o + 8 + len),
      expectedCrc: crc32Bitwise(typeAndData),
    });
    o += 12 + len;
  }
  return chunks;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Minimal decoder for 8-bit, non-interlaced RGB/RGBA PNGs, all five filter types. */
export function decodePng(png: Buffer): DecodedPng {
  const chunks = readChunks(png);
  const ihdr = chunks.find((c) => c.type === "IHDR")!.data;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const bitDepth = ihdr[8]!;
  const colorType = ihdr[9]!;
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : NaN;
  const raw = inflateSync(Buffer.concat(chunks.filter((c) => c.type === "IDAT").map((c) => c.data)));
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error(`inflated ${raw.length} bytes, expected ${height * (stride + 1)}`);
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[y * (stride + 1) + 1 + i]!;
      const a = i >= channels ? pixels[y * stride + i - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const c = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels]! : 0;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (pred === undefined) throw new Error(`row ${y}: unknown filter ${filter}`);
      pixels[y * stride + i] = (x + pred) & 0xff;
    }
  }
  return { signature: png.subarray(0, 8), chunks, width, height, bitDepth, colorType, channels, pixels };
}

export function pixelAt(img: DecodedPng, x: number, y: number): [number, number, number] {
  const i = (y * img.width + x) * img.channels;
  return [img.pixels[i]!, img.pixels[i + 1]!, img.pixels[i + 2]!];
}
