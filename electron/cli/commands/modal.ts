import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { FileSecretStore, MODAL_TOKEN_ID, MODAL_TOKEN_SECRET } from '../../core/secrets';
import { UsageError, type Command } from '../command';

/**
 * The Modal token for this gallery's CLI and `tigerid serve`. It is read from standard input, never from the
 * command line, so it does not land in the shell history or the process list; it is never printed back.
 */
export const modalCommand: Command = {
  name: 'modal',
  summary: 'Set or clear the Modal token used for remote inference (read from standard input, never printed)',
  usage: [
    'modal token set   (then type the token id and the token secret, one per line)',
    'modal token clear',
  ],
  options: {},
  async run(ctx, { positionals }) {
    const [noun, verb] = positionals;
    if (noun !== 'token' || (verb !== 'set' && verb !== 'clear')) {
      throw new UsageError('expected "modal token set" or "modal token clear"');
    }
    const store = new FileSecretStore(join(ctx.dataDir, 'secrets.json'));
    if (verb === 'clear') {
      store.delete(MODAL_TOKEN_ID);
      store.delete(MODAL_TOKEN_SECRET);
      ctx.out('Modal token removed.\n');
      return 0;
    }
    ctx.err('Modal token id (ak-...), then token secret (as-...), one per line:\n');
    const lines: string[] = [];
    const rl = createInterface({ input: ctx.stdin, terminal: false });
    for await (const line of rl) {
      if (line.trim() !== '') lines.push(line.trim());
      if (lines.length === 2) break;
    }
    rl.close();
    const [tokenId, tokenSecret] = lines;
    if (tokenId === undefined || tokenSecret === undefined) {
      throw new UsageError('give the token id and the token secret on two lines of standard input');
    }
    if (!/^ak-[A-Za-z0-9]+$/.test(tokenId) || !/^as-[A-Za-z0-9]+$/.test(tokenSecret)) {
      throw new UsageError(
        'a Modal token id starts with "ak-" and its secret with "as-" (see `modal token new`)',
      );
    }
    store.set(MODAL_TOKEN_ID, tokenId);
    store.set(MODAL_TOKEN_SECRET, tokenSecret);
    ctx.out(
      `Modal token saved in ${join(ctx.dataDir, 'secrets.json')} (readable by you only; plain text on disk — the desktop app keeps it in the OS keychain instead).\n`,
    );
    return 0;
  },
};
