import { Ajv2020, type Options } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: at run time the default import is the plugin itself,
// while its typings describe the module object. One cast here, nowhere else.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** One ajv setup for rule files and API schemas: draft 2020-12, every error, formats, strict. */
export function createAjv(options: Options = {}): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, ...options });
  addFormats(ajv);
  return ajv;
}
