/**
 * The Cloud API's 24-hour customer-service window: after a person's last message, the
 * business may answer freely for 24 hours; afterwards only an approved template message may
 * be sent (Meta refuses anything else with error 131047, "re-engagement message").
 * Pure; used by the sender (template or free form) and by the console (open / closed).
 */

/** How long the window stays open after the person's last message. */
export const WHATSAPP_SERVICE_WINDOW_MS = 24 * 3_600_000;
/**
 * Free-form replies stop this long before the window closes: the last-message time is when
 * the service processed the message (not when it was written), and a reply may wait in the
 * queue (send limits) before it goes out.
 */
export const WHATSAPP_WINDOW_MARGIN_MS = 10 * 60_000;

export interface ServiceWindow {
  open: boolean;
  /** When free-form replies stop (ISO 8601); null when the person never wrote. */
  closesAt: string | null;
}

/**
 * @param lastInboundAt the person's last message (null: never)
 * @example serviceWindow('2026-11-26T10:00:00Z', new Date('2026-11-27T09:00:00Z')) // { open: true, closesAt: '2026-11-27T09:50:00.000Z' }
 */
export function serviceWindow(lastInboundAt: Date | string | null, now: Date = new Date()): ServiceWindow {
  if (lastInboundAt === null) return { open: false, closesAt: null };
  const last = new Date(lastInboundAt).getTime();
  if (!Number.isFinite(last)) return { open: false, closesAt: null };
  const closes = last + WHATSAPP_SERVICE_WINDOW_MS - WHATSAPP_WINDOW_MARGIN_MS;
  return { open: now.getTime() < closes, closesAt: new Date(closes).toISOString() };
}
