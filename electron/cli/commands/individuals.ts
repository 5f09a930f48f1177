import { mergeIndividuals, renameIndividual, splitIndividual, undoEdit } from '../../core/gallery/edits';
import { findIndividual, individualSightings, listIndividuals } from '../../core/gallery/individuals';
import { UsageError, type Command } from '../command';
import { reviewerName } from '../../core/reviewer';
import { formatTable } from '../table';

const USAGE = [
  'individuals list',
  'individuals show <individual>',
  'individuals rename <individual> <new name>',
  'individuals merge <source> <target>',
  'individuals split <individual> <detection-id>... [--name NAME]',
  'individuals undo [<edit-id>]',
];

export const individualsCommand: Command = {
  name: 'individuals',
  summary: 'List, show, rename, merge and split the known tigers (every edit can be undone)',
  usage: USAGE,
  options: {
    name: { type: 'string', valueName: 'NAME', description: 'name of the new individual made by split' },
    reviewer: {
      type: 'string',
      valueName: 'NAME',
      description: 'who makes the edit (default: $TIGERID_REVIEWER or your user name)',
    },
  },
  async run(ctx, { positionals, values }) {
    const [verb, ...rest] = positionals;
    const core = () => ctx.core();
    const reviewer = () => reviewerName(values.reviewer, ctx.env);
    const need = (n: number) => {
      if (rest.length < n) throw new UsageError(`"individuals ${verb}" needs ${n} argument(s)`);
    };
    switch (verb) {
      case 'list': {
        const individuals = listIndividuals(core());
        if (ctx.json) return void ctx.out(`${JSON.stringify(individuals, null, 2)}\n`);
        if (individuals.length === 0) {
          return void ctx.out(
            'The gallery has no individuals yet. Import photos ("tigerid import <folder>"), then review them ("tigerid review").\n',
          );
        }
        ctx.out(
          formatTable(
            ['code', 'name', 'sightings', 'flanks', 'last seen'],
            individuals.map((i) => [i.code, i.name, i.sightings, i.flanks.join('+') || null, i.lastSeen]),
          ),
        );
        return;
      }
      case 'show': {
        need(1);
        const individual = findIndividual(core(), rest[0] as string);
        const sightings = individualSightings(core(), individual.id);
        if (ctx.json) return void ctx.out(`${JSON.stringify({ ...individual, sightings }, null, 2)}\n`);
        ctx.out(
          `${individual.code}${individual.name ? ` "${individual.name}"` : ''}: ${sightings.length} sighting(s)\n`,
        );
        ctx.out(
          formatTable(
            ['detection', 'flank', 'captured', 'station', 'file'],
            sightings.map((s) => [s.detectionId, s.flank, s.capturedAt, s.station, s.file]),
          ),
        );
        return;
      }
      case 'rename': {
        need(2);
        const edit = renameIndividual(core(), rest[0] as string, rest.slice(1).join(' '), reviewer());
        ctx.out(`Renamed (edit ${edit.id}; "tigerid individuals undo" reverts it).\n`);
        return;
      }
      case 'merge': {
        need(2);
        const edit = mergeIndividuals(core(), rest[0] as string, rest[1] as string, reviewer());
        ctx.out(
          `Merged ${rest[0]} into ${rest[1]} (edit ${edit.id}; "tigerid individuals undo" reverts it).\n`,
        );
        return;
      }
      case 'split': {
        need(2);
        const ids = rest.slice(1).map((s) => {
          if (!/^\d+$/.test(s)) throw new UsageError(`detection ids are whole numbers, got "${s}"`);
          return Number(s);
        });
        const edit = splitIndividual(
          core(),
          rest[0] as string,
          ids,
          reviewer(),
          values.name as string | undefined,
        );
        if (edit.kind !== 'split') throw new Error('split returned another edit kind');
        const created = findIndividual(core(), edit.toId);
        ctx.out(
          `Split ${ids.length} sighting(s) into ${created.code} (edit ${edit.id}; "tigerid individuals undo" reverts it).\n`,
        );
        return;
      }
      case 'undo': {
        const id = rest[0] === undefined ? undefined : Number(rest[0]);
        if (id !== undefined && !Number.isInteger(id))
          throw new UsageError(`edit id is a whole number, got "${rest[0]}"`);
        const edit = undoEdit(core(), reviewer(), id);
        ctx.out(`Undid ${edit.kind} (edit ${edit.id}).\n`);
        return;
      }
      default:
        throw new UsageError(verb === undefined ? 'which action?' : `unknown action "${verb}"`);
    }
  },
};
