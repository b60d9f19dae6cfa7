/**
 * The short privacy notice shown at first contact and on /privacy: what is stored, for how
 * long, how to delete it, what happens before and without consent — with accept / decline.
 */
import { choiceValue } from './choice-value';
import type { Say } from './say';
import type { ConsentStatus, Reply } from './types';

/** Host configuration the notice may mention; both optional, nothing is invented. */
export interface PrivacyNoticeOptions {
  /** Days after which conversations are deleted; without it the notice refers to the policy. */
  retentionDays?: number;
  /** The full privacy policy, shown as a link. */
  privacyUrl?: string;
  /** The current consent, mentioned when the person asks again (/privacy). */
  consent: ConsentStatus;
}

/**
 * @example renderPrivacyNotice(say, { consent: 'pending' }).choices // consent:yes, consent:no
 */
export function renderPrivacyNotice(say: Say, options: PrivacyNoticeOptions): Reply {
  const retention =
    options.retentionDays !== undefined && Number.isFinite(options.retentionDays) && options.retentionDays > 0
      ? say('privacy.retentionDays', { days: Math.round(options.retentionDays) })
      : say('privacy.retentionPolicy');
  const status =
    options.consent === 'accepted'
      ? [say('privacy.statusAccepted')]
      : options.consent === 'declined'
        ? [say('privacy.statusDeclined')]
        : [];
  const text = [
    say('privacy.title'),
    [
      say('privacy.stored'),
      retention,
      say('privacy.delete', { phrase: say('delete.phrase') }),
      say('privacy.beforeConsent'),
    ].join('\n'),
    ...status,
    say('privacy.question'),
  ].join('\n\n');
  const reply: Reply = {
    text,
    choices: [
      { value: choiceValue.consent(true), label: say('privacy.accept') },
      { value: choiceValue.consent(false), label: say('privacy.decline') },
    ],
  };
  if (options.privacyUrl) reply.links = [{ label: say('privacy.linkLabel'), url: options.privacyUrl }];
  return reply;
}
