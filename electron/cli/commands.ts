import type { Command } from './command';
import { calibrateCommand } from './commands/calibrate';
import { decideCommand } from './commands/decide';
import { demoCommand } from './commands/demo';
import { doctorCommand } from './commands/doctor';
import { evalCommand } from './commands/eval';
import { identifyCommand } from './commands/identify';
import { importCommand } from './commands/import';
import { importCamtrapDpCommand } from './commands/import-camtrap-dp';
import { exportCommand } from './commands/export';
import { framesCommand } from './commands/frames';
import { reportCommand } from './commands/report';
import { stationsCommand } from './commands/stations';
import { individualsCommand } from './commands/individuals';
import { modelsCommand } from './commands/models';
import { reviewCommand } from './commands/review';
import { serveCommand } from './commands/serve';
import { queueCommand } from './commands/queue';
import { modalCommand } from './commands/modal';

/** Every `tigerid` command, in the order help lists them. */
export const commands: Command[] = [
  importCommand,
  importCamtrapDpCommand,
  identifyCommand,
  reviewCommand,
  decideCommand,
  individualsCommand,
  stationsCommand,
  framesCommand,
  reportCommand,
  exportCommand,
  calibrateCommand,
  modelsCommand,
  doctorCommand,
  evalCommand,
  serveCommand,
  queueCommand,
  modalCommand,
  demoCommand,
];
