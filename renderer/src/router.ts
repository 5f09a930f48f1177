import { useEffect, useState } from 'react';

export type Route =
  | { screen: 'import' }
  | { screen: 'review' }
  | { screen: 'gallery' }
  | { screen: 'individual'; id: number }
  | { screen: 'stations' }
  | { screen: 'status' }
  | { screen: 'settings' };

/** Hash routes work the same under the HTTP bridge and Electron's app:// protocol. */
export function parseRoute(hash: string): Route | null {
  const path = hash.replace(/^#\/?/, '');
  const [first, second] = path.split('/');
  switch (first) {
    case 'import':
    case 'review':
    case 'stations':
    case 'status':
    case 'settings':
      return { screen: first };
    case 'gallery': {
      const id = Number(second);
      return second && Number.isInteger(id) && id > 0 ? { screen: 'individual', id } : { screen: 'gallery' };
    }
    default:
      return null;
  }
}

export function href(route: Route): string {
  return route.screen === 'individual' ? `#/gallery/${route.id}` : `#/${route.screen}`;
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route | null {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
