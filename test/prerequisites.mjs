// First step of `npm test`: the browser tests drive Debian's Chromium and the report tests read PDFs with poppler's
// tools. On a machine without them this installs them from Debian (as root, or through sudo without a password),
// so the README's test command passes on a fresh machine by itself; otherwise it names the command to run.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const chromium = process.env.TIGERID_CHROMIUM ?? '/usr/bin/chromium';
const needs = [
  { package: 'chromium', present: () => executable(chromium) },
  { package: 'poppler-utils', present: () => ['pdftoppm', 'pdftotext', 'pdfimages'].every(onPath) },
];

const missing = needs.filter((need) => !need.present()).map((need) => need.package);
if (missing.length > 0) install(missing);

function install(packages) {
  const command = `apt-get install -y ${packages.join(' ')}`;
  const asRoot = process.getuid?.() === 0;
  const sudo = !asRoot && run('sudo', ['-n', 'true'], 'ignore') === 0;
  if (!onPath('apt-get') || (!asRoot && !sudo)) {
    console.error(
      `The tests need ${packages.join(' and ')}, which this machine lacks. Install them (on Debian/Ubuntu: "sudo ${command}"; ` +
        'elsewhere set TIGERID_CHROMIUM to a Chromium executable), then run "npm test" again.',
    );
    process.exit(1);
  }
  console.error(`Installing what the tests need from Debian: ${packages.join(', ')} (${command})...`);
  const prefix = sudo ? ['sudo', '-n'] : [];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['apt-get', 'update', '-qq'],
    ['apt-get', 'install', '-y', '-qq', ...packages],
  ]) {
    const [cmd, ...rest] = [...prefix, ...args];
    if (run(cmd, rest, ['ignore', 'ignore', 'inherit'], env) !== 0) {
      console.error(
        `"${args.join(' ')}" failed; install ${packages.join(' and ')} by hand, then run "npm test" again.`,
      );
      process.exit(1);
    }
  }
}

function run(cmd, args, stdio, env = process.env) {
  return spawnSync(cmd, args, { stdio, env }).status;
}

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && executable(`${dir}/${name}`));
}
