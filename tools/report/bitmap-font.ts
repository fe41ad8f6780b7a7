import type { Raster, Rgb } from "./raster";

/**
 * Classic 5×7 font for printable ASCII (space to ~), five column bytes per glyph, least significant
 * bit at the top row.
 */
const GLYPHS =
  "0000000000" +
  "00005f0000" +
  "0007000700" +
  "147f147f14" +
  "242a7f2a12" +
  "2313086462" +
  "3649552250" +
  "0005030000" +
  "001c224100" +
  "0041221c00" +
  "082a1c2a08" +
  "08083e0808" +
  "0050300000" +
  "0808080808" +
  "0060600000" +
  "2010080402" +
  "3e5149453e" +
  "00427f4000" +
  "4261514946" +
  "2141454b31" +
  "1814127f10" +
  "2745454539" +
  "3c4a494930" +
  "0171090503" +
  "3649494936" +
  "064949291e" +
  "0036360000" +
  "0056360000" +
  "0008142241" +
  "1414141414" +
  "4122140800" +
  "0201510906" +
  "324979413e" +
  "7e1111117e" +
  "7f49494936" +
  "3e41414122" +
  "7f4141221c" +
  "7f49494941" +
  "7f09090101" +
  "3e41415132" +
  "7f0808087f" +
  "00417f4100" +
  "2040413f01" +
  "7f08142241" +
  "7f40404040" +
  "7f0204027f" +
  "7f0408107f" +
  "3e4141413e" +
  "7f09090906" +
  "3e4151215e" +
  "7f09192946" +
  "4649494931" +
  "01017f0101" +
  "3f4040403f" +
  "1f2040201f" +
  "7f2018207f" +
  "6314081463" +
  "0304780403" +
  "6151494543" +
  "00007f4141" +
  "0204081020" +
  "41417f0000" +
  "0402010204" +
  "4040404040" +
  "0001020400" +
  "2054545478" +
  "7f48444438" +
  "3844444420" +
  "384444487f" +
  "3854545418" +
  "087e090102" +
  "081454543c" +
  "7f08040478" +
  "00447d4000" +
  "2040443d00" +
  "007f102844" +
  "00417f4000" +
  "7c04180478" +
  "7c08040478" +
  "3844444438" +
  "7c14141408" +
  "081414187c" +
  "7c08040408" +
  "4854545420" +
  "043f444020" +
  "3c4040207c" +
  "1c2040201c" +
  "3c4030403c" +
  "4428102844" +
  "0c5050503c" +
  "4464544c44" +
  "0008364100" +
  "00007f0000" +
  "0041360800" +
  "0804081008";

export const GLYPH_W = 5;
export const GLYPH_H = 7;
/** Horizontal advance per character, in font pixels (glyph plus one blank column). */
export const ADVANCE = GLYPH_W + 1;

function glyphColumns(ch: string): number[] {
  let code = ch.charCodeAt(0);
  if (code < 32 || code > 126) code = 63; // "?"
  const o = (code - 32) * 10;
  return [0, 1, 2, 3, 4].map((i) => parseInt(GLYPHS.slice(o + i * 2, o + i * 2 + 2), 16));
}

export function textWidth(text: string, scale: number): number {
  return text.length === 0 ? 0 : (text.length * ADVANCE - 1) * scale;
}

/** Draws `text` with its top-left corner at (x, y); each font pixel becomes a `scale`×`scale` block. */
export function drawText(r: Raster, x: number, y: number, text: string, color: Rgb, scale = 1): void {
  x = Math.round(x);
  y = Math.round(y);
  for (let c = 0; c < text.length; c++) {
    const cols = glyphColumns(text[c]!);
    for (let gx = 0; gx < GLYPH_W; gx++) for (let gy = 0; gy < GLYPH_H; gy++) if ((cols[gx]! >> gy) & 1) r.fillRect(x + (c * ADVANCE + gx) * scale, y + gy * scale, scale, scale, color);
  }
}
