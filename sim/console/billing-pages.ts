import { type ElementKey, type Html, html, type PageIds, pageDocument, raw, scriptJson } from './html';
import type { CloseLayout, SimAccount } from './types';

// The billing console's account page (console.aws.amazon.com/billing/home#/account) in each close layout AWS has
// served, and its closed state. Headings, labels, button texts and test ids are a contract with the page flows.

export interface BillingContext {
  ids: PageIds;
  cookieBanner: boolean;
}

export const CLOSE_ACTION = '/billing/home/close-account';

/** The four acknowledgements of the 2021–2023 layouts, with the test ids AWS gave their checkboxes. */
export const ACKNOWLEDGEMENTS: ReadonlyArray<{ key: ElementKey; text: string }> = [
  {
    key: 'ackFirst',
    text: 'I understand that by clicking this checkbox, I am closing my AWS account. The closure of my AWS account serves as notice to AWS that I wish to terminate the AWS Customer Agreement or any other agreement with AWS that governs my AWS account, solely with respect to that AWS account.',
  },
  {
    key: 'ackSecond',
    text: 'I understand that after the post-closure period I will no longer be able to reopen my closed account.',
  },
  {
    key: 'ackThird',
    text: 'I understand that after the post-closure period I will no longer be able to access the Billing console to view past bills and tax invoices.',
  },
  {
    key: 'ackFourth',
    text: 'I understand that after the post-closure period I will not be able to create a new AWS account with the email address currently associated with this account.',
  },
];

function alertBox(message: string | undefined): Html {
  return message ? html`<div role="alert">${message}</div>` : raw('');
}

function testId(ids: PageIds, key: ElementKey): Html {
  return html` data-testid="${ids.required(key)}"`;
}

/** Opens and closes the page's dialogs: `data-opens` names the dialog a button opens. */
const DIALOG_SCRIPT = html`for (const opener of document.querySelectorAll('[data-opens]')) {
  opener.addEventListener('click', () => {
    for (const open of document.querySelectorAll('[role=dialog]')) open.hidden = true;
    document.getElementById(opener.dataset.opens).hidden = false;
    document.querySelector('.backdrop').hidden = false;
  });
}
for (const closer of document.querySelectorAll('[data-close-dialog]')) {
  closer.addEventListener('click', () => {
    for (const open of document.querySelectorAll('[role=dialog]')) open.hidden = true;
    document.querySelector('.backdrop').hidden = true;
  });
}
`;

function checkboxesLayout(
  context: BillingContext,
  variant: '2021' | '2022',
): { section: Html; script: Html } {
  const { ids } = context;
  const buttonTestId = ids.required('formCloseAccount');
  const boxes = ACKNOWLEDGEMENTS.map(
    ({ key, text }, index) =>
      html`<div><input type="checkbox" id="close-ack-${index + 1}" name="ack" value="${index + 1}"${testId(ids, key)}><label class="inline" for="close-ack-${index + 1}">${text}</label></div>`,
  );
  const confirm =
    variant === '2021'
      ? html`<button type="submit" form="close-account-form" class="btn-danger">Close Account</button>`
      : html`<button type="submit" form="close-account-form" class="btn-primary"${testId(ids, 'modalCloseAccount')}>Close Account</button>`;
  const section = html`<section aria-labelledby="close-account-heading">
<h2 id="close-account-heading">Close Account</h2>
<p>Read each statement below and tick it to confirm that you understand what closing your account means.</p>
<form method="post" action="${CLOSE_ACTION}" id="close-account-form">
${ids.arrange([...boxes, html`<button type="button" data-opens="close-account-modal" data-testid="${buttonTestId}" disabled>Close Account</button>`])}
</form>
</section>
<div class="backdrop" hidden></div>
<div role="dialog" aria-modal="true" id="close-account-modal" aria-labelledby="close-account-modal-heading" hidden>
<h2 id="close-account-modal-heading">Close Account</h2>
<p>Are you sure you want to close your AWS account? You can reopen it through AWS Support during the post-closure period of 90 days.</p>
<div class="modal-footer">
<button type="button" class="secondary" data-close-dialog>Cancel</button>
${confirm}
</div>
</div>`;
  // The page's button stays disabled until every statement is ticked.
  const script = html`const closeButton = document.querySelector(${scriptJson(`[data-testid="${buttonTestId}"]`)});
const boxes = [...document.querySelectorAll('input[name=ack]')];
for (const box of boxes) box.addEventListener('change', () => { closeButton.disabled = !boxes.every((b) => b.checked); });
`;
  return { section, script };
}

function typedIdLayout(
  context: BillingContext,
  accountId: string,
  withConfirmation: boolean,
): { section: Html; script: Html } {
  const { ids } = context;
  const submitTestId = ids.required('closeAccountButton');
  const typed = withConfirmation
    ? html`<button type="button" data-opens="close-account-confirm-dialog" data-testid="${submitTestId}" disabled>Close account</button>`
    : html`<button type="submit" data-testid="${submitTestId}" disabled>Close account</button>`;
  const confirmation = withConfirmation
    ? html`<div role="dialog" aria-modal="true" id="close-account-confirm-dialog" aria-labelledby="close-account-confirm-heading" hidden>
<h2 id="close-account-confirm-heading">Confirm account closure</h2>
<p>This is the last step: once you confirm, your account is closed.</p>
<div class="modal-footer">
<button type="button" class="secondary" data-close-dialog>Cancel</button>
<button type="submit" form="close-account-form"${testId(ids, 'closeAccountModalConfirm')}>Confirm</button>
</div>
</div>`
    : '';
  const section = html`<section aria-labelledby="close-account-heading">
<h2 id="close-account-heading">Close account</h2>
<p>Closing your account ends your AWS services. You can reopen it through AWS Support within the 90-day post-closure period.</p>
<button type="button" data-opens="close-account-dialog"${testId(ids, 'closeAccountButtonRoot')}>Close account</button>
</section>
<div class="backdrop" hidden></div>
<div role="dialog" aria-modal="true" id="close-account-dialog" aria-labelledby="close-account-dialog-heading" hidden>
<h2 id="close-account-dialog-heading">Close account</h2>
<ul>
<li>Your resources and data are deleted after the post-closure period.</li>
<li>After the post-closure period, you can't reopen the account or use its email address for a new one.</li>
</ul>
<form method="post" action="${CLOSE_ACTION}" id="close-account-form">
<label for="close-account-input">To confirm, enter your account ID</label>
<div${testId(ids, 'closeAccountInput')}><input type="text" id="close-account-input" name="accountId" placeholder="${accountId}" autocomplete="off"></div>
<div class="modal-footer">
<button type="button" class="secondary" data-close-dialog>Cancel</button>
${typed}
</div>
</form>
</div>
${confirmation}`;
  // The dialog's button stays disabled until the account id is typed exactly.
  const script = html`const idInput = document.getElementById('close-account-input');
const closeButton = document.querySelector(${scriptJson(`[data-testid="${submitTestId}"]`)});
idInput.addEventListener('input', () => { closeButton.disabled = idInput.value !== ${scriptJson(accountId)}; });
`;
  return { section, script };
}

export function accountPage(
  context: BillingContext,
  options: { account: SimAccount; layout: CloseLayout; error?: string },
): string {
  const { account } = options;
  const settings = html`<section aria-labelledby="account-settings-heading">
<h2 id="account-settings-heading">Account settings</h2>
<dl>
<dt>Account ID</dt><dd class="account-id">${account.accountId}</dd>
<dt>Email address</dt><dd>${account.email}</dd>
<dt>Account status</dt><dd data-testid="account-status">${account.closed ? 'Suspended' : 'Active'}</dd>
</dl>
</section>`;
  let closePart: { section: Html; script?: Html };
  if (account.closed) {
    closePart = {
      section: html`<section aria-labelledby="account-closed-heading">
<h2 id="account-closed-heading">Account closed</h2>
<p>This account is closed. Its status is Suspended. You can reopen it through AWS Support within 90 days of closing it.</p>
</section>`,
    };
  } else if (options.layout === 'checkboxes' || options.layout === 'checkboxes-modal-testid') {
    closePart = checkboxesLayout(context, options.layout === 'checkboxes' ? '2021' : '2022');
  } else {
    closePart = typedIdLayout(context, account.accountId, options.layout === 'typed-id-confirm-modal');
  }
  const body = html`<h1>Account</h1>
${alertBox(options.error)}
${settings}
${closePart.section}`;
  const script = html`if (location.hash !== '#/account') history.replaceState(null, '', location.pathname + location.search + '#/account');
${closePart.script ? html`${DIALOG_SCRIPT}${closePart.script}` : ''}`;
  return pageDocument({
    title: 'Billing and Cost Management',
    body,
    wide: true,
    cookieBanner: context.cookieBanner,
    script,
  });
}
