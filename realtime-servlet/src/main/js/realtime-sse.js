// Server-Sent Events, parsed from a fetch body so heartbeat comments are seen.

/**
 * Incremental `text/event-stream` parser (the WHATWG algorithm): feed it
 * decoded text in any chunks; it calls `onEvent({type, data, id})` (`id` only
 * when the event had its own `id:` line), `onRetry(ms)` and `onComment(text)`.
 */
export class SseParser {
  constructor({ onEvent, onRetry, onComment } = {}) {
    this.onEvent = onEvent || (() => {});
    this.onRetry = onRetry || (() => {});
    this.onComment = onComment || (() => {});
    this.buffer = '';
    this.skipLF = false;
    this.data = [];
    this.event = '';
    this.hasId = false;
    this.lastEventId = '';
  }

  feed(chunk) {
    let text = this.buffer + chunk;
    let start = 0;
    if (this.skipLF && text.length > 0) {
      if (text[0] === '\n') start = 1;
      this.skipLF = false;
    }
    for (let i = start; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\r' && ch !== '\n') continue;
      this._line(text.slice(start, i));
      if (ch === '\r') {
        if (i + 1 < text.length) {
          if (text[i + 1] === '\n') i++;
        } else {
          this.skipLF = true;
        }
      }
      start = i + 1;
    }
    this.buffer = text.slice(start);
  }

  _line(line) {
    if (line === '') {
      this._dispatch();
      return;
    }
    if (line[0] === ':') {
      this.onComment(line.slice(1));
      return;
    }
    const colon = line.indexOf(':');
    let field = line;
    let value = '';
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value[0] === ' ') value = value.slice(1);
    }
    switch (field) {
      case 'data':
        this.data.push(value);
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) {
          this.lastEventId = value;
          this.hasId = true;
        }
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.onRetry(parseInt(value, 10));
        break;
      default:
        break;
    }
  }

  _dispatch() {
    const hasId = this.hasId;
    const type = this.event || 'message';
    this.hasId = false;
    this.event = '';
    if (this.data.length === 0) return;
    const data = this.data.join('\n');
    this.data = [];
    this.onEvent({ type, data, id: hasId ? this.lastEventId : undefined });
  }
}
