/**
 * Block Kit validation with Slack's limits. Problems are reported like Slack's
 * `response_metadata.messages`: "[ERROR] <what> [json-pointer:/blocks/0/text/text]".
 */

type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const BLOCK_TYPES = new Set([
  'section',
  'header',
  'context',
  'actions',
  'divider',
  'image',
  'input',
  'rich_text',
  'file',
]);

const SELECTS = [
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'multi_static_select',
  'multi_external_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
];
const ACTIONS_ELEMENTS = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  ...SELECTS,
]);
const ACCESSORY_ELEMENTS = new Set([...ACTIONS_ELEMENTS, 'image']);
const INPUT_ELEMENTS = new Set([
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'file_input',
  'number_input',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'timepicker',
  'url_text_input',
  ...SELECTS,
]);

interface TextRules {
  max: number;
  plainOnly?: boolean;
  required?: boolean;
}

class BlockValidator {
  readonly problems: string[] = [];
  private readonly blockIds = new Set<string>();
  private readonly actionIds = new Set<string>();

  problem(what: string, pointer: string): void {
    this.problems.push(`[ERROR] ${what} [json-pointer:${pointer}]`);
  }

  blocks(blocks: unknown, pointer: string, maxBlocks: number): void {
    if (!Array.isArray(blocks)) {
      this.problem('must be an array', pointer);
      return;
    }
    if (blocks.length > maxBlocks) this.problem(`no more than ${maxBlocks} items allowed`, pointer);
    blocks.forEach((block, i) => {
      this.block(block, `${pointer}/${i}`);
    });
  }

  private block(block: unknown, at: string): void {
    if (!isObject(block)) {
      this.problem('must be an object', at);
      return;
    }
    const type = block.type;
    if (typeof type !== 'string' || !BLOCK_TYPES.has(type)) {
      this.problem(`unsupported block type: ${String(type)}`, `${at}/type`);
      return;
    }
    if (block.block_id !== undefined) {
      if (this.string(block, 'block_id', at, 255) && typeof block.block_id === 'string') {
        if (this.blockIds.has(block.block_id))
          this.problem(`duplicate block_id: ${block.block_id}`, `${at}/block_id`);
        this.blockIds.add(block.block_id);
      }
    }
    switch (type) {
      case 'section':
        this.section(block, at);
        break;
      case 'header':
        this.text(block.text, `${at}/text`, { max: 150, plainOnly: true });
        break;
      case 'context':
        this.list(block, 'elements', at, 1, 10, (el, p) => {
          if (isObject(el) && el.type === 'image') this.imageElement(el, p);
          else this.text(el, p, { max: 3000 });
        });
        break;
      case 'actions':
        this.list(block, 'elements', at, 1, 25, (el, p) => this.element(el, p, ACTIONS_ELEMENTS));
        break;
      case 'image':
        this.imageElement(block, at);
        if (block.title !== undefined) this.text(block.title, `${at}/title`, { max: 2000, plainOnly: true });
        break;
      case 'input':
        this.text(block.label, `${at}/label`, { max: 2000, plainOnly: true });
        if (block.hint !== undefined) this.text(block.hint, `${at}/hint`, { max: 2000, plainOnly: true });
        if (block.element === undefined) this.problem('missing required field: element', at);
        else this.element(block.element, `${at}/element`, INPUT_ELEMENTS);
        break;
      case 'rich_text':
        if (!Array.isArray(block.elements)) this.problem('missing required field: elements', at);
        break;
      case 'file':
        this.string(block, 'external_id', at, 255, true);
        if (block.source !== 'remote') this.problem('must be one of: remote', `${at}/source`);
        break;
      // divider has no fields to check
    }
  }

  private section(block: Obj, at: string): void {
    if (block.text === undefined && block.fields === undefined) {
      this.problem('must provide text or fields', at);
    }
    if (block.text !== undefined) this.text(block.text, `${at}/text`, { max: 3000 });
    if (block.fields !== undefined) {
      this.list(block, 'fields', at, 1, 10, (field, p) => this.text(field, p, { max: 2000 }));
    }
    if (block.accessory !== undefined) this.element(block.accessory, `${at}/accessory`, ACCESSORY_ELEMENTS);
  }

  private element(el: unknown, at: string, allowed: Set<string>): void {
    if (!isObject(el)) {
      this.problem('must be an object', at);
      return;
    }
    if (typeof el.type !== 'string' || !allowed.has(el.type)) {
      this.problem(`unsupported element type here: ${String(el.type)}`, `${at}/type`);
      return;
    }
    if (el.type === 'image') {
      this.imageElement(el, at);
      return;
    }
    if (
      el.action_id !== undefined &&
      this.string(el, 'action_id', at, 255) &&
      typeof el.action_id === 'string'
    ) {
      if (this.actionIds.has(el.action_id))
        this.problem(`duplicate action_id: ${el.action_id}`, `${at}/action_id`);
      this.actionIds.add(el.action_id);
    }
    if (el.type === 'button') {
      this.text(el.text, `${at}/text`, { max: 75, plainOnly: true });
      this.string(el, 'value', at, 2000);
      this.string(el, 'url', at, 3000);
      this.string(el, 'accessibility_label', at, 75);
      if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
        this.problem('must be one of: primary, danger', `${at}/style`);
      }
    } else if (el.type === 'plain_text_input') {
      if (el.placeholder !== undefined)
        this.text(el.placeholder, `${at}/placeholder`, { max: 150, plainOnly: true });
      this.string(el, 'initial_value', at, 3000);
      for (const key of ['min_length', 'max_length'] as const) {
        const n = el[key];
        if (n !== undefined && (typeof n !== 'number' || n < 0 || n > 3000)) {
          this.problem('must be an integer between 0 and 3000', `${at}/${key}`);
        }
      }
    } else if (SELECTS.includes(el.type)) {
      if (el.placeholder !== undefined)
        this.text(el.placeholder, `${at}/placeholder`, { max: 150, plainOnly: true });
      if (el.options !== undefined) this.list(el, 'options', at, 1, 100, () => undefined);
    }
  }

  private imageElement(el: Obj, at: string): void {
    if (el.image_url === undefined && el.slack_file === undefined) {
      this.problem('must provide image_url or slack_file', at);
    }
    this.string(el, 'image_url', at, 3000);
    this.string(el, 'alt_text', at, 2000, true);
  }

  private text(value: unknown, at: string, rules: TextRules): void {
    if (value === undefined && rules.required === false) return;
    if (!isObject(value)) {
      this.problem('must be a text object', at);
      return;
    }
    const allowed = rules.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
    if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
      this.problem(`must be one of: ${allowed.join(', ')}`, `${at}/type`);
    }
    if (typeof value.text !== 'string') {
      this.problem('missing required field: text', at);
    } else if (value.text.length === 0) {
      this.problem('must be more than 0 characters', `${at}/text`);
    } else if (value.text.length > rules.max) {
      this.problem(`must be less than ${rules.max + 1} characters`, `${at}/text`);
    }
  }

  /** Checks an optional (or required) string field; returns false if it was present and invalid. */
  private string(obj: Obj, key: string, at: string, max: number, required = false): boolean {
    const value = obj[key];
    if (value === undefined) {
      if (required) this.problem(`missing required field: ${key}`, at);
      return !required;
    }
    if (typeof value !== 'string') {
      this.problem('must be a string', `${at}/${key}`);
      return false;
    }
    if (value.length > max) {
      this.problem(`must be less than ${max + 1} characters`, `${at}/${key}`);
      return false;
    }
    return true;
  }

  private list(
    obj: Obj,
    key: string,
    at: string,
    min: number,
    max: number,
    each: (item: unknown, at: string) => void,
  ) {
    const items = obj[key];
    if (!Array.isArray(items)) {
      this.problem(`missing required field: ${key}`, at);
      return;
    }
    if (items.length < min) this.problem(`must have at least ${min} items`, `${at}/${key}`);
    if (items.length > max) this.problem(`no more than ${max} items allowed`, `${at}/${key}`);
    items.forEach((item, i) => {
      each(item, `${at}/${key}/${i}`);
    });
  }

  viewText(view: Obj, key: string, max: number, required: boolean): void {
    this.text(view[key], `/view/${key}`, { max, plainOnly: true, required });
  }

  viewString(view: Obj, key: string, max: number): void {
    this.string(view, key, '/view', max);
  }
}

/** Validates message blocks (chat.postMessage, chat.update, response_url). */
export function validateMessageBlocks(blocks: unknown, maxBlocks = 50): string[] {
  const validator = new BlockValidator();
  validator.blocks(blocks, '/blocks', maxBlocks);
  return validator.problems;
}

/** Validates a modal view for views.open. */
export function validateModalView(view: unknown): string[] {
  const validator = new BlockValidator();
  if (!isObject(view)) {
    validator.problem('must be an object', '/view');
    return validator.problems;
  }
  if (view.type !== 'modal') validator.problem('must be one of: modal', '/view/type');
  validator.viewText(view, 'title', 24, true);
  validator.viewText(view, 'submit', 24, false);
  validator.viewText(view, 'close', 24, false);
  validator.viewString(view, 'callback_id', 255);
  validator.viewString(view, 'private_metadata', 3000);
  validator.viewString(view, 'external_id', 255);
  validator.blocks(view.blocks, '/view/blocks', 100);
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
  if (hasInput && view.submit === undefined) {
    validator.problem('submit is required when the view has input blocks', '/view/submit');
  }
  return validator.problems;
}
