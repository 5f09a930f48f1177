/**
 * Latitude/longitude to Universal Transverse Mercator metres, so capture-history analyses get distances between
 * stations in metres. Krüger's series in the third flattening n, to third order, as given by Karney (2011,
 * "Transverse Mercator with an accuracy of a few nanometers", J. Geodesy 85:475, eqs. 7–11 and 35): accurate to
 * well under a millimetre within a UTM zone, and to centimetres several degrees beyond it.
 */

export interface Ellipsoid {
  /** Semi-major axis, metres. */
  a: number;
  /** Flattening. */
  f: number;
}

export const WGS84: Ellipsoid = { a: 6378137, f: 1 / 298.257223563 };

export interface TransverseMercatorParams {
  ellipsoid: Ellipsoid;
  /** Longitude of the central meridian, degrees. */
  centralMeridian: number;
  scale: number;
  falseEasting: number;
  falseNorthing: number;
}

const UTM_SCALE = 0.9996;
const UTM_FALSE_EASTING = 500_000;
const UTM_FALSE_NORTHING_SOUTH = 10_000_000;
const RAD = Math.PI / 180;

/** Easting (x) and northing (y) in metres of a point given in degrees. */
export function transverseMercator(
  latitude: number,
  longitude: number,
  p: TransverseMercatorParams,
): { x: number; y: number } {
  const { a, f } = p.ellipsoid;
  const n = f / (2 - f);
  const n2 = n * n;
  const n3 = n2 * n;
  // Rectifying radius: the meridian arc from the equator to the pole is A·π/2.
  const A = (a / (1 + n)) * (1 + n2 / 4 + (n2 * n2) / 64);
  const alpha = [n / 2 - (2 * n2) / 3 + (5 * n3) / 16, (13 * n2) / 48 - (3 * n3) / 5, (61 * n3) / 240];
  const e = (2 * Math.sqrt(n)) / (1 + n);
  const phi = latitude * RAD;
  const lambda = (longitude - p.centralMeridian) * RAD;
  // Conformal latitude, as its tangent.
  const t = Math.sinh(Math.atanh(Math.sin(phi)) - e * Math.atanh(e * Math.sin(phi)));
  const xiPrime = Math.atan2(t, Math.cos(lambda));
  const etaPrime = Math.atanh(Math.sin(lambda) / Math.sqrt(1 + t * t));
  let xi = xiPrime;
  let eta = etaPrime;
  alpha.forEach((aj, i) => {
    const k = 2 * (i + 1);
    xi += aj * Math.sin(k * xiPrime) * Math.cosh(k * etaPrime);
    eta += aj * Math.cos(k * xiPrime) * Math.sinh(k * etaPrime);
  });
  return { x: p.falseEasting + p.scale * A * eta, y: p.falseNorthing + p.scale * A * xi };
}

export interface UtmZone {
  zone: number;
  hemisphere: 'N' | 'S';
  centralMeridian: number;
}

/**
 * The standard 6° zone holding a longitude (zone 1 starts at 180°W), without the Norway and Svalbard exceptions;
 * the hemisphere follows the latitude (southern zones have a false northing of 10,000 km).
 */
export function utmZone(latitude: number, longitude: number): UtmZone {
  const wrapped = ((((longitude + 180) % 360) + 360) % 360) - 180;
  const zone = Math.min(60, Math.floor((wrapped + 180) / 6) + 1);
  return { zone, hemisphere: latitude < 0 ? 'S' : 'N', centralMeridian: zone * 6 - 183 };
}

export function utmParams(zone: UtmZone): TransverseMercatorParams {
  return {
    ellipsoid: WGS84,
    centralMeridian: zone.centralMeridian,
    scale: UTM_SCALE,
    falseEasting: UTM_FALSE_EASTING,
    falseNorthing: zone.hemisphere === 'S' ? UTM_FALSE_NORTHING_SOUTH : 0,
  };
}

/**
 * The one UTM zone for a set of points: the zone of their mean longitude, northern or southern by their mean
 * latitude. Projecting every point into it keeps distances consistent even when the points straddle a zone
 * boundary.
 */
export function commonUtmZone(points: readonly { latitude: number; longitude: number }[]): UtmZone {
  if (points.length === 0) throw new RangeError('Expected at least one point to choose a UTM zone');
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  return utmZone(mean(points.map((q) => q.latitude)), mean(points.map((q) => q.longitude)));
}
