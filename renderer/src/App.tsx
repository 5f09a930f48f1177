import { useEffect } from 'react';
import { useQuery } from './api/query';
import { useRemoteWatch } from './api/remote-watch';
import { ToastProvider } from './components/toast';
import { openJobs } from './lib/remote';
import { href, navigate, useRoute, type Route } from './router';
import { GalleryScreen } from './screens/GalleryScreen';
import { ImportScreen } from './screens/ImportScreen';
import { IndividualScreen } from './screens/IndividualScreen';
import { ReviewScreen } from './screens/ReviewScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { StationsScreen } from './screens/StationsScreen';
import { StatusScreen } from './screens/StatusScreen';

const NAV: { screen: Route['screen']; label: string }[] = [
  { screen: 'import', label: 'Import' },
  { screen: 'review', label: 'Review' },
  { screen: 'gallery', label: 'Gallery' },
  { screen: 'stations', label: 'Stations' },
  { screen: 'status', label: 'Status' },
  { screen: 'settings', label: 'Settings' },
];

export function App() {
  return (
    <ToastProvider>
      <Shell />
    </ToastProvider>
  );
}

/** Inside the toast provider: the remote watch announces finished syncs there. */
function Shell() {
  const route = useRoute();
  // Work waiting for Modal: a second badge, on Status, so it is seen from every screen.
  const queued = openJobs(useRemoteWatch().data);
  // The badge: undecided detections. Polled gently, so it grows while an import finds tigers.
  const queue = useQuery('review.queue', { limit: 1 }, { pollMs: 15000 });
  const undecided = queue.data?.total;

  useEffect(() => {
    // First visit: start where there is something to do.
    if (route === null && queue.data) navigate({ screen: queue.data.total > 0 ? 'review' : 'import' });
    else if (route === null && queue.error) navigate({ screen: 'import' });
  }, [route, queue.data, queue.error]);

  const active = route?.screen === 'individual' ? 'gallery' : route?.screen;

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Tiger ID</span>
        </div>
        <ul>
          {NAV.map((item) => (
            <li key={item.screen}>
              <a
                href={href(
                  item.screen === 'individual' ? { screen: 'gallery' } : ({ screen: item.screen } as Route),
                )}
                className={`nav-link ${active === item.screen ? 'active' : ''}`}
                aria-current={active === item.screen ? 'page' : undefined}
              >
                <span>{item.label}</span>
                {item.screen === 'review' && undecided !== undefined && undecided > 0 && (
                  <span className="badge" aria-label={`${undecided} undecided`}>
                    {undecided > 999 ? '999+' : undecided}
                  </span>
                )}
                {item.screen === 'status' && queued > 0 && (
                  <span className="badge badge-queue" aria-label={`${queued} queued for Modal`}>
                    {queued > 999 ? '999+' : queued}
                  </span>
                )}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="main" tabIndex={-1}>
        {route?.screen === 'import' && <ImportScreen />}
        {route?.screen === 'review' && <ReviewScreen />}
        {route?.screen === 'gallery' && <GalleryScreen />}
        {route?.screen === 'individual' && <IndividualScreen key={route.id} individualId={route.id} />}
        {route?.screen === 'stations' && <StationsScreen />}
        {route?.screen === 'status' && <StatusScreen />}
        {route?.screen === 'settings' && <SettingsScreen />}
      </main>
    </div>
  );
}
