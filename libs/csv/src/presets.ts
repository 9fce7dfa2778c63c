import type { ImportKinds, PresetColumns } from './columns';

/** Another system's exports, as an import reads them: a name for people, and what it says of each kind's columns. */
export interface ImportPresetDeclaration<Kind extends string = string> {
  /** The system, as docs and messages name it: `HubSpot`. */
  readonly label: string;
  readonly kinds: Readonly<Partial<Record<Kind, PresetColumns>>>;
}

const PRESET_NAME = /^[a-z][a-z0-9-]*$/;

/** The presets a service offers (`preset=hubspot`), checked against its kinds when declared. */
export class ImportPresets<Kind extends string = string> {
  readonly names: readonly string[];

  constructor(private readonly declarations: Readonly<Record<string, ImportPresetDeclaration<Kind>>>) {
    this.names = Object.keys(declarations);
  }

  label(name: string): string | undefined {
    return this.declarations[name]?.label;
  }

  /** What the preset says of a kind's columns; undefined when it has nothing for that kind. */
  columnsOf(name: string, kind: string): PresetColumns | undefined {
    return this.declarations[name]?.kinds[kind as Kind];
  }
}

/**
 * Declares a service's presets: `defineImportPresets(kinds, { hubspot: { label: 'HubSpot', kinds: { contacts: {...} } } })`.
 * A preset that maps to no field of the kind, or maps values of one, is a programming error: thrown at start.
 */
export function defineImportPresets<Kind extends string>(
  kinds: ImportKinds<Kind>,
  declarations: Readonly<Record<string, ImportPresetDeclaration<Kind>>>,
): ImportPresets<Kind> {
  for (const [name, preset] of Object.entries(declarations)) {
    if (!PRESET_NAME.test(name)) throw new Error(`Import preset names are lower-case words (kebab-case): "${name}"`);
    for (const [kind, columns] of Object.entries(preset.kinds) as [Kind, PresetColumns | undefined][]) {
      if (!columns) continue;
      const errors = [...kinds.mappingErrors(kind, columns.mapping), ...kinds.valueMappingErrors(kind, columns.values ?? {})];
      if (errors.length > 0) {
        throw new Error(
          `Import preset "${name}" (${kind}): ${errors.map((e) => `${e.field}: ${e.messages.join('; ')}`).join(' | ')}`,
        );
      }
    }
  }
  return new ImportPresets(declarations);
}
