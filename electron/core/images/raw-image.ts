/** Decoded pixels, interleaved, top-left origin, already rotated by EXIF orientation. */
export interface RawImage {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}
