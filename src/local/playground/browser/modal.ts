/** Dialogs to safe HTML: the bot's modal (views.open) with its inputs and errors, and a button's confirm. */
import { escapeHtml } from '../html';
import type { StateModal } from '../state';
import type { ConfirmObject, InputBlock, Names } from './block-kit';
import { renderBlocks } from './blocks';
import { plainText, textObject } from './mrkdwn';

/** The field of a modal's input block, with data-* attributes the page reads its value back by. */
function renderInput(block: InputBlock, error: string | undefined): string {
  const el = block.element || {};
  const id = `in-${block.block_id}-${el.action_id}`;
  const data =
    ` data-input="1" data-block-id="${escapeHtml(block.block_id)}" data-action-id="${escapeHtml(el.action_id)}"` +
    ` data-type="${escapeHtml(el.type)}" data-optional="${block.optional ? '1' : ''}"`;
  const common = ` id="${escapeHtml(id)}"${data}${el.placeholder ? ` placeholder="${escapeHtml(el.placeholder.text)}"` : ''}`;
  const maxLength = el.max_length ? ` maxlength="${Number(el.max_length)}"` : '';
  const value = ` value="${escapeHtml(el.initial_value)}"`;
  let field: string;
  switch (el.type) {
    case 'plain_text_input':
      field = el.multiline
        ? `<textarea${common}${maxLength}>${escapeHtml(el.initial_value)}</textarea>`
        : `<input type="text"${common}${maxLength}${value}>`;
      break;
    case 'number_input':
      field = `<input type="number"${common}${el.is_decimal_allowed ? ' step="any"' : ''}${value}>`;
      break;
    case 'email_text_input':
    case 'url_text_input':
      field = `<input type="${el.type === 'email_text_input' ? 'email' : 'url'}"${common}${value}>`;
      break;
    case 'static_select': {
      const selected = el.initial_option?.value;
      const options = (el.options || []).map(
        (o) =>
          `<option value="${escapeHtml(o.value)}"${o.value === selected ? ' selected' : ''}>${plainText(o.text)}</option>`,
      );
      field = `<select${common}><option value="">${el.placeholder ? plainText(el.placeholder) : 'Choose'}</option>${options.join('')}</select>`;
      break;
    }
    case 'radio_buttons': {
      const checked = el.initial_option?.value;
      const options = (el.options || []).map(
        (o) =>
          `<label class="radio"><input type="radio" name="${escapeHtml(id)}" value="${escapeHtml(o.value)}"` +
          `${o.value === checked ? ' checked' : ''}> ${plainText(o.text)}</label>`,
      );
      field = `<div${data} id="${escapeHtml(id)}">${options.join('')}</div>`;
      break;
    }
    default:
      field = `<div class="bk-unsupported">The playground cannot show a ${escapeHtml(el.type)} input.</div>`;
  }
  return (
    `<div class="input-block${error ? ' has-error' : ''}" data-block="${escapeHtml(block.block_id)}">` +
    `<label for="${escapeHtml(id)}">${plainText(block.label)}` +
    `${block.optional ? ' <span class="optional">(optional)</span>' : ''}</label>${field}` +
    `${block.hint ? `<div class="input-hint">${plainText(block.hint)}</div>` : ''}` +
    `<div class="input-error" data-error-for="${escapeHtml(block.block_id)}">${error ? escapeHtml(error) : ''}</div></div>`
  );
}

/** The open view as a modal dialog; errors shown under their input block. */
export function renderModal(modal: StateModal, names: Names): string {
  const errors = modal.errors || {};
  const errorFor = (blockId: string | undefined) => (blockId === undefined ? undefined : errors[blockId]);
  const blocks = (modal.blocks || [])
    .map((block) =>
      block && block.type === 'input'
        ? renderInput(block as InputBlock, errorFor(block.block_id))
        : renderBlocks([block], { names, ts: '', interactive: false }),
    )
    .join('');
  // Errors for blocks the view does not have still show, so a wrong block_id in the bot is noticed.
  const unknownErrors = Object.keys(errors)
    .filter((id) => !(modal.blocks || []).some((b) => b && b.block_id === id))
    .map((id) => `<div class="input-error">${escapeHtml(id)}: ${escapeHtml(errors[id])}</div>`);
  return (
    `<div class="overlay" data-view-id="${escapeHtml(modal.viewId)}"><div class="dialog" role="dialog" ` +
    `aria-modal="true" aria-labelledby="modal-title"><div class="dialog-head"><h2 id="modal-title">` +
    `${escapeHtml(modal.title)}</h2><button type="button" class="dialog-x" data-act="modal-close" aria-label="Close">` +
    `\u00d7</button></div><div class="dialog-body">${blocks}${unknownErrors.join('')}` +
    `</div><div class="dialog-foot"><button type="button" class="bk-btn" data-act="modal-close">` +
    `${escapeHtml(modal.close || 'Cancel')}</button>` +
    `${modal.submit ? `<button type="button" class="bk-btn primary" data-act="modal-submit">${escapeHtml(modal.submit)}</button>` : ''}` +
    `</div></div></div>`
  );
}

/** A button's confirm object as a dialog. */
export function renderConfirm(confirm: ConfirmObject, names: Names): string {
  return (
    `<div class="overlay confirm"><div class="dialog" role="alertdialog" aria-modal="true">` +
    `<div class="dialog-head"><h2>${plainText(confirm.title || { text: 'Are you sure?' })}</h2></div>` +
    `<div class="dialog-body">${textObject(confirm.text, names)}</div><div class="dialog-foot">` +
    `<button type="button" class="bk-btn" data-act="confirm-no">${plainText(confirm.deny || { text: 'Cancel' })}` +
    `</button><button type="button" class="bk-btn ${confirm.style === 'danger' ? 'confirm-danger' : 'primary'}"` +
    ` data-act="confirm-yes">${plainText(confirm.confirm || { text: 'Yes' })}</button></div></div></div>`
  );
}
