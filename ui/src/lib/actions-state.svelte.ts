// What the action dialogs tell other panes: the reply box offers the suggested message, and
// the conversation and the actions list reload after an action.
export const actionsState = $state({
  /** The message the reply box offers after an action, per ticket. */
  suggestedReply: null as { ticketId: number; text: string } | null,
  /** Bumped after every action: lists and notes reload. */
  version: 0,
});

export function actionDone(ticketId: number | null, customerMessage: string | null): void {
  if (ticketId !== null && customerMessage) actionsState.suggestedReply = { ticketId, text: customerMessage };
  actionsState.version += 1;
}
