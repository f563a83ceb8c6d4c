import type { RouteModule } from '../api/app.ts';
import type { RuleAdminService, RuleFileSubmission } from './rule-admin-service.ts';
import { RELOAD_RESPONSE, RULE_SET_INVALID, TIERS_EXAMPLE, VALIDATE_BODY, VALIDATE_RESPONSE, VERSIONS_RESPONSE } from './rule-admin-schemas.ts';

/** GET /v1/rules/versions, POST /v1/rules/validate, POST /v1/rules/reload (admin scope). */
export function ruleAdminRoutes(admin: RuleAdminService): RouteModule {
  return (api) => {
    api.route(
      {
        method: 'get',
        path: '/v1/rules/versions',
        summary: 'The rule files loaded now, and every version ever loaded',
        description: '`loaded` is the set in use (its hash identifies it as a whole); `history` comes from the rule_set_versions table.',
        tags: ['rules'],
        access: 'admin',
        responses: {
          200: { description: 'loaded files and history', schema: VERSIONS_RESPONSE },
        },
      },
      async (_req, res) => {
        const history = await admin.history();
        res.json({ loaded: admin.loaded(), history: history.map((row) => ({ ...row, loadedAt: row.loadedAt.toISOString() })) });
      },
    );
    api.route(
      {
        method: 'post',
        path: '/v1/rules/validate',
        summary: "Check a marketer's rule file without loading it",
        description: 'The same checks and messages as `npm run rules -- validate <file>`. Answers 200 whether the file is valid or not; nothing changes.',
        tags: ['rules'],
        access: 'admin',
        body: VALIDATE_BODY,
        example: { file: 'tiers-v2.json', content: TIERS_EXAMPLE },
        responses: {
          200: {
            description: '`valid` and the problems found',
            schema: VALIDATE_RESPONSE,
          },
        },
      },
      (req, res) => {
        res.json(admin.validate(submissionOf(req.body as Record<string, unknown>)));
      },
    );
    api.route(
      {
        method: 'post',
        path: '/v1/rules/reload',
        summary: 'Load RULES_DIR again',
        description: 'All or nothing: an invalid set is refused with every problem (422) and the set in use stays. With Redis the reload is announced and every other API instance and worker loads RULES_DIR too; SIGHUP reloads one process by hand.',
        tags: ['rules'],
        access: 'admin',
        responses: {
          200: {
            description: 'the new set: its hash and files',
            schema: RELOAD_RESPONSE,
          },
          422: {
            description: 'the rule set is invalid; nothing changed. `errors` lists every problem (file, JSON pointer, detail)',
            contentType: 'application/problem+json',
            schema: RULE_SET_INVALID,
          },
        },
      },
      async (_req, res) => {
        const { previousHash, view } = await admin.reload();
        res.json({ ...view, previousHash, changed: previousHash !== view.hash });
      },
    );
  };
}

/** `{file, content}` or the rule file itself: a rule file never has a top-level "content" key. */
function submissionOf(body: Record<string, unknown>): RuleFileSubmission {
  const keys = Object.keys(body);
  const wrapped = 'content' in body && keys.every((key) => key === 'file' || key === 'content');
  if (wrapped) return { file: typeof body.file === 'string' && body.file ? body.file : 'rule-file.json', content: body.content };
  return { file: 'rule-file.json', content: body };
}
