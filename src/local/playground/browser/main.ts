/**
 * The playground page's script, bundled by the server (../script.ts) into one inline <script>. The
 * renderers are pure (state in, HTML out) and exported: the bundle keeps them as `playground.*`, so the
 * tests run the very code the page runs.
 */
import { startPage } from './page';

export { escapeHtml } from '../html';
export { findAction } from './blocks';
export { emoji } from './emoji';
export { slackTarget } from './links';
export { renderConfirm, renderModal } from './modal';
export { mrkdwn, plainText } from './mrkdwn';
export { accountStateText, exampleAccount, renderAccounts, renderActivity, renderRealism } from './panels';
export { renderTimeline } from './timeline';

// Only the page has the boot data; a test loading the bundle for its renderers starts nothing.
if (typeof document !== 'undefined' && document.getElementById('boot')) startPage(document);
