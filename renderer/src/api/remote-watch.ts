import { useEffect, useRef, useState } from 'react';
import type { RemoteStatusDto } from '../../../electron/core/api';
import { useToast } from '../components/toast';
import { codeSegments, freshSyncReport, remotePollMs } from '../lib/remote';
import { navigate } from '../router';
import { call, errorMessage } from './client';
import { queries, useQuery, type QueryResult } from './query';

/**
 * The app's one watch on remote inference, mounted once by App: tells the engine what the operating system says
 * about the network (at start and on every online/offline event), keeps the remote status fresh while work waits
 * or a sync runs, and announces each finished sync in a toast. Screens read the same cached 'remote.status'.
 */
export function useRemoteWatch(): QueryResult<RemoteStatusDto> {
  const { show } = useToast();
  const [pollMs, setPollMs] = useState(0);
  const status = useQuery('remote.status', {}, { pollMs });
  const refetch = useRef(status.refetch);
  refetch.current = status.refetch;

  useEffect(() => {
    const report = () => {
      call('remote.connectivity', { online: navigator.onLine }).then(
        () => void refetch.current(),
        (error: unknown) =>
          show(`Could not pass the network state to Tiger ID: ${errorMessage(error)}`, {
            tone: 'error',
          }),
      );
    };
    report();
    window.addEventListener('online', report);
    window.addEventListener('offline', report);
    return () => {
      window.removeEventListener('online', report);
      window.removeEventListener('offline', report);
    };
  }, [show]);

  const data = status.data;
  useEffect(() => setPollMs(remotePollMs(data)), [data]);

  const known = useRef<RemoteStatusDto['lastSync'] | undefined>(undefined);
  useEffect(() => {
    if (!data) return;
    const fresh = freshSyncReport(known.current, data.lastSync);
    known.current = data.lastSync;
    if (!fresh) return;
    // Queued results arrived: candidates, the review queue and the counts changed.
    queries.invalidateAll();
    // A toast is plain text: the message's `commands` lose their backticks (the Status screen shows them as code).
    show(
      codeSegments(fresh.message)
        .map((part) => part.text)
        .join(''),
      {
        ms: 12000,
        ...(fresh.needReview > 0
          ? { action: { label: 'Review', run: () => navigate({ screen: 'review' }) } }
          : {}),
      },
    );
  }, [data, show]);

  return status;
}
