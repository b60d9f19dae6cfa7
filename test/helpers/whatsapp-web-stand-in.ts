/** A stand-in for whatsapp-web.js's Client, with the library's own event and method names. */
import { EventEmitter } from 'node:events';
import type { WebClientLike } from '../../bots/channels/whatsapp/web-client';

export class StandInClient extends EventEmitter implements WebClientLike {
  sent: Array<{ chatId: string; content: string; options?: { linkPreview?: boolean } }> = [];
  initialized = 0;
  destroyed = 0;
  async initialize() {
    this.initialized += 1;
  }
  async sendMessage(chatId: string, content: string, options?: { linkPreview?: boolean }) {
    this.sent.push({ chatId, content, options });
    return { id: { _serialized: `true_${chatId}_OUT${this.sent.length}` } };
  }
  async destroy() {
    this.destroyed += 1;
  }
}
