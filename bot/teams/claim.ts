import type { Activity } from 'botbuilder';
import type { AdaptiveCard } from '@microsoft/teams-ai';
import type { i18n } from 'i18next';
import { z } from 'zod';
import type { Store } from '../store/store.js';
import type { Staff } from '../../knowledge/staff.js';
import type { HandoverService } from '../handover/service.js';
import { audit, getHandover } from '../handover/handovers.js';
import { accountOfPerson, canSee, type Account } from '../inbox/auth.js';
import { translatorFor } from '../i18n.js';
import type { HandoverCards } from './card.js';

const claimDataSchema = z.object({ handoverId: z.uuid() });

export interface TeamsClaimDeps {
  store: Store;
  staff: Staff;
  i18n: i18n;
  handovers: HandoverService;
  cards: HandoverCards;
}

/**
 * The claim button of a handover card in Teams: who pressed it (their Entra object id, mapped to
 * a person of the staff file and from there to their inbox account), whether they may, and the
 * card to show afterwards.
 * @remarks The claim itself is the inbox's ({@link HandoverService.claim}): the same status
 * change, audit entry, message to the person and card update. Refusals are audited too.
 */
export class TeamsClaims {
  private readonly t;

  constructor(private readonly deps: TeamsClaimDeps) {
    this.t = translatorFor(deps.i18n, 'de', 'inbox');
  }

  async claim(activity: Activity, data: unknown): Promise<AdaptiveCard> {
    const { store, cards } = this.deps;
    const parsed = claimDataSchema.safeParse(data);
    const row = parsed.success ? await getHandover(store, parsed.data.handoverId) : undefined;
    if (!row) return cards.notice('teams.refused.gone');

    const account = await this.account(activity, row.team_id);
    if (!account) {
      await audit(store, `teams:${activity.from?.aadObjectId ?? '?'}`.slice(0, 64), 'claim-refused', row.id, { reason: 'unknown-user' });
      return cards.forRecord(row, { notice: this.t('teams.refused.unknownUser') });
    }
    if (!canSee(account, this.deps.staff, row.team_id)) {
      await audit(store, account.username, 'claim-refused', row.id, { reason: 'other-team' });
      return cards.forRecord(row, { notice: this.t('teams.refused.otherTeam') });
    }

    const claimed = await store.transaction((tx) => this.deps.handovers.claim(tx, row.id, account, 'teams'));
    if (claimed) return cards.forRecord(claimed);
    const current = (await getHandover(store, row.id)) ?? row;
    // Pressed twice (or in two windows): the claim stands, the card says so.
    if (current.status === 'claimed' && current.claimed_by === account.staffId) return cards.forRecord(current);
    if (current.deletion_requested_at) return cards.forRecord(current, { notice: this.t('teams.refused.deletionRequested') });
    return cards.forRecord(current, { notice: this.t('teams.refused.taken', { status: this.t(`status.${current.status}`) }) });
  }

  /** The inbox account of the person who pressed the button: known in the staff file, of the unit's tenant, not disabled. */
  private async account(activity: Activity, unitId: string): Promise<Account | undefined> {
    const aad = activity.channelId === 'msteams' ? activity.from?.aadObjectId?.toLowerCase() : undefined;
    if (!aad) return undefined;
    const tenantId = this.deps.staff.units.find((u) => u.id === unitId)?.teams?.tenantId;
    const tenant = activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    if (tenantId && tenant?.toLowerCase() !== tenantId.toLowerCase()) return undefined;
    const person = this.deps.staff.people.find((p) => p.aadObjectId?.toLowerCase() === aad);
    return person ? accountOfPerson(this.deps.store, person.id) : undefined;
  }
}
