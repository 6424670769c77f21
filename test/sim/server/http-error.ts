// Errors answered the way GitHub answers them: `{ message, documentation_url, status }` (+ `errors`).

export type ValidationErrorItem = {
  resource: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  field?: string;
  message?: string;
  value?: unknown;
};

export type GitHubErrorBody = {
  message: string;
  documentation_url: string;
  status: string;
  /** Some endpoints (pull request reviews) answer with plain sentences here. */
  errors?: (ValidationErrorItem | string)[];
};

export const DOCS_URL = 'https://docs.github.com/rest';

export class HttpError extends Error {
  readonly status: number;
  readonly body: GitHubErrorBody;
  readonly headers: Record<string, string>;
  /** The request itself was malformed (bad JSON, missing or mistyped fields): the App should never send it. */
  readonly malformed: boolean;
  constructor(
    status: number,
    message: string,
    options: {
      errors?: (ValidationErrorItem | string)[];
      headers?: Record<string, string>;
      malformed?: boolean;
      docs?: string;
    } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.body = { message, documentation_url: options.docs ?? DOCS_URL, status: String(status) };
    if (options.errors) this.body.errors = options.errors;
    this.headers = options.headers ?? {};
    this.malformed = options.malformed ?? false;
  }
}

export function notFound(): HttpError {
  return new HttpError(404, 'Not Found');
}

export function badCredentials(): HttpError {
  return new HttpError(401, 'Bad credentials');
}

export function requiresAuthentication(): HttpError {
  return new HttpError(401, 'Requires authentication');
}

export function notAccessibleByIntegration(): HttpError {
  return new HttpError(403, 'Resource not accessible by integration');
}

export function forbidden(message: string): HttpError {
  return new HttpError(403, message);
}

/** 422 for a body that does not fit the operation (counted as a malformed request). */
export function invalidBody(errors: ValidationErrorItem[], message = 'Validation Failed'): HttpError {
  return new HttpError(422, message, { errors, malformed: true });
}

/** 422 for a well-formed request GitHub refuses on the current state (an open PR exists, …). */
export function unprocessable(message: string, errors?: (ValidationErrorItem | string)[]): HttpError {
  return new HttpError(422, message, errors ? { errors } : {});
}

export function conflict(message: string): HttpError {
  return new HttpError(409, message);
}
