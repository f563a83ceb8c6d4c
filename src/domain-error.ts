/**
 * Base of every error the domain raises. Domain code knows nothing of HTTP:
 * src/api/problem-mapper.ts maps `code` to a status and a problem type.
 */
export class DomainError extends Error {
  constructor(
    message: string,
    /** Stable machine-readable kind, e.g. "rule-set-invalid". */
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
