import type { Polisher, PolishRequest } from '../../ports.js';

/**
 * The offline default Polisher: keeps the deterministic line as it is (trimmed), so the simulator,
 * the local stack and tests send the same words every run without a model.
 */
export class TemplatePolisher implements Polisher {
  /** Returns `request.line`, trimmed. */
  polish(request: PolishRequest): Promise<string> {
    return Promise.resolve(request.line.trim());
  }
}
