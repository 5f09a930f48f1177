import type { RawImage } from '../images/raw-image';
import type { NormalisedBox } from '../images/crop';
import type { StripeMatcher } from '../matching/stripe-matcher';

export interface DetectedAnimal {
  box: NormalisedBox;
  /** null only for a whole-frame detection, where no detector ran and no confidence exists. */
  confidence: number | null;
}

/** Finds the animals in a frame. The detector id is stored with every detection it makes. */
export interface AnimalDetector {
  readonly id: string;
  detect(image: RawImage): Promise<DetectedAnimal[]>;
}

/** A deep re-identification model: one L2-normalised vector per crop, tagged with the model file it came from. */
export interface CropEmbedder {
  readonly modelId: string;
  readonly modelHash: string;
  readonly weight: number;
  embed(crop: RawImage): Promise<Float32Array>;
}

/** What analysis and identification run with: built once per process from the installed models. */
export interface AnalysisServices {
  detector: AnimalDetector;
  stripes: StripeMatcher;
  embedders: CropEmbedder[];
}
