/** Block Kit in messages to safe HTML: sections, context, images, buttons, rich text. */
import { escapeHtml } from '../html';
import type { Block, PlaygroundState } from '../state';
import type {
  ActionsBlock,
  BlockElement,
  ContextBlock,
  HeaderBlock,
  ImageBlock,
  InputBlock,
  Names,
  RichTextBlock,
  RichTextInline,
  RichTextList,
  RichTextPart,
  SectionBlock,
  SlackFileRef,
} from './block-kit';
import { emoji } from './emoji';
import { bareLinkLabel, linkHtml, safeUrl } from './links';
import { nameOf, plainText, textObject } from './mrkdwn';

/** Where blocks are shown: the message they belong to (for clicks) and whether they can be clicked. */
export interface BlockContext {
  names: Names;
  ts: string;
  interactive: boolean;
}

/** Images load only from this origin (the page's CSP allows nothing else). */
function imageSrc(imageUrl: unknown, slackFile: SlackFileRef | undefined): string | null {
  if (slackFile && typeof slackFile.id === 'string' && slackFile.id) {
    return `/playground/files/${encodeURIComponent(slackFile.id)}`;
  }
  const url = typeof imageUrl === 'string' ? imageUrl : slackFile?.url;
  return typeof url === 'string' && /^\/playground\/files\/[\w%.-]+$/.test(url) ? url : null;
}

function imageTag(src: string | null, alt: string | undefined, title?: string): string {
  if (!src) {
    return `<span class="bk-unsupported">${escapeHtml(alt || title || 'An image')}: not shown, as the page loads only this workspace’s files</span>`;
  }
  return `<img src="${escapeHtml(src)}" alt="${escapeHtml(alt || '')}"${title ? ` title="${escapeHtml(title)}"` : ''} loading="lazy">`;
}

/** An interactive element inside a message (actions block or section accessory). */
function renderElement(el: BlockElement | undefined, block: Block, ctx: BlockContext): string {
  if (!el || typeof el !== 'object') return '';
  if (el.type === 'image') return imageTag(imageSrc(el.image_url, el.slack_file), el.alt_text);
  if (el.type === 'button') {
    const style = el.style === 'primary' ? ' primary' : el.style === 'danger' ? ' danger' : '';
    const label = plainText(el.text);
    const url = safeUrl(el.url);
    if (url) return linkHtml(url, label, `bk-btn${style}`);
    return (
      `<button type="button" class="bk-btn${style}"${ctx.interactive ? '' : ' disabled'}` +
      ` data-act="block-action" data-ts="${escapeHtml(ctx.ts)}" data-action-id="${escapeHtml(el.action_id)}"` +
      `${block.block_id ? ` data-block-id="${escapeHtml(block.block_id)}"` : ''}` +
      `${el.confirm ? ' data-confirm="1"' : ''}>${label}</button>`
    );
  }
  return (
    `<span class="bk-unsupported" title="not clickable in the playground">${escapeHtml(el.type)}` +
    `${el.placeholder ? `: ${plainText(el.placeholder)}` : ''}</span>`
  );
}

function richInline(el: RichTextInline | undefined, names: Names): string {
  if (!el) return '';
  let html: string;
  switch (el.type) {
    case 'text':
      html = escapeHtml(el.text).replace(/\n/g, '<br>');
      break;
    case 'link': {
      const url = safeUrl(el.url);
      html = url ? linkHtml(url, escapeHtml(el.text || bareLinkLabel(url))) : escapeHtml(el.text || el.url);
      break;
    }
    case 'user':
      html = `<span class="mention">@${escapeHtml(nameOf(names, el.user_id))}</span>`;
      break;
    case 'channel':
      html = `<span class="mention">#${escapeHtml(nameOf(names, el.channel_id))}</span>`;
      break;
    case 'broadcast':
      html = `<span class="mention">@${escapeHtml(el.range)}</span>`;
      break;
    case 'emoji':
      html = emoji(el.name) ?? escapeHtml(`:${el.name}:`);
      break;
    case 'date':
      html = escapeHtml(el.fallback || el.timestamp);
      break;
    default:
      html = escapeHtml(el.text || '');
  }
  const style = el.style || {};
  if (style.code) html = `<code>${html}</code>`;
  if (style.bold) html = `<b>${html}</b>`;
  if (style.italic) html = `<i>${html}</i>`;
  if (style.strike) html = `<s>${html}</s>`;
  return html;
}

function richInlines(elements: RichTextInline[] | undefined, names: Names): string {
  return (Array.isArray(elements) ? elements : []).map((el) => richInline(el, names)).join('');
}

function richElements(parts: RichTextPart[] | undefined, names: Names): string {
  return (Array.isArray(parts) ? parts : [])
    .map((part) => {
      if (!part) return '';
      switch (part.type) {
        case 'rich_text_section':
          return `<div>${richInlines(part.elements, names)}</div>`;
        case 'rich_text_preformatted':
          return `<pre>${richInlines(part.elements, names)}</pre>`;
        case 'rich_text_quote':
          return `<blockquote>${richInlines(part.elements, names)}</blockquote>`;
        case 'rich_text_list': {
          const list = part as RichTextList;
          const tag = list.style === 'ordered' ? 'ol' : 'ul';
          const items = (list.elements || []).map(
            (item) =>
              `<li>${item && Array.isArray(item.elements) ? richInlines(item.elements, names) : ''}</li>`,
          );
          return `<${tag}>${items.join('')}</${tag}>`;
        }
        default:
          return richInlines(part.elements, names);
      }
    })
    .join('');
}

function renderSection(block: SectionBlock, ctx: BlockContext): string {
  const fields =
    Array.isArray(block.fields) && block.fields.length
      ? `<div class="bk-fields">${block.fields.map((f) => `<div>${textObject(f, ctx.names)}</div>`).join('')}</div>`
      : '';
  const accessory = block.accessory
    ? `<div class="bk-accessory">${renderElement(block.accessory, block, ctx)}</div>`
    : '';
  return `<div class="bk-section"><div class="bk-text">${textObject(block.text, ctx.names)}${fields}</div>${accessory}</div>`;
}

function renderContext(block: ContextBlock, ctx: BlockContext): string {
  const elements = (block.elements || []).map((el) =>
    el && el.type === 'image'
      ? imageTag(imageSrc(el.image_url, el.slack_file), el.alt_text)
      : `<span>${textObject(el, ctx.names)}</span>`,
  );
  return `<div class="bk-context">${elements.join('')}</div>`;
}

function renderImage(block: ImageBlock): string {
  const img = imageTag(imageSrc(block.image_url, block.slack_file), block.alt_text, block.title?.text);
  const caption = block.title ? `<figcaption>${plainText(block.title)}</figcaption>` : '';
  return `<div class="bk-image"><figure>${img}${caption}</figure></div>`;
}

/** Block Kit (message surfaces) to safe HTML. */
export function renderBlocks(blocks: Block[] | undefined, ctx: BlockContext): string {
  return (Array.isArray(blocks) ? blocks : [])
    .map((block) => {
      if (!block || typeof block !== 'object') return '';
      switch (block.type) {
        case 'header':
          return `<div class="bk-header">${plainText((block as HeaderBlock).text)}</div>`;
        case 'section':
          return renderSection(block as SectionBlock, ctx);
        case 'context':
          return renderContext(block as ContextBlock, ctx);
        case 'divider':
          return '<hr class="bk-divider">';
        case 'image':
          return renderImage(block as ImageBlock);
        case 'actions': {
          const elements = ((block as ActionsBlock).elements || []).map((el) =>
            renderElement(el, block, ctx),
          );
          return `<div class="bk-actions">${elements.join('')}</div>`;
        }
        case 'rich_text':
          return `<div class="bk-rich">${richElements((block as RichTextBlock).elements, ctx.names)}</div>`;
        case 'input':
          return `<div class="bk-unsupported">input: ${plainText((block as InputBlock).label)}</div>`;
        default:
          return `<div class="bk-unsupported">${escapeHtml(block.type)} block</div>`;
      }
    })
    .join('');
}

/** The element a click refers to, looked up in the latest state (for its value and confirm). */
export function findAction(
  state: Pick<PlaygroundState, 'messages' | 'ephemerals'>,
  ts: string | null,
  actionId: string | null,
): { element: BlockElement; block: Block } | null {
  const sources = [
    ...(state.messages || []).flatMap((m) => [m, ...(m.replies || [])]),
    ...(state.ephemerals || []),
  ];
  const message = sources.find((m) => m.ts === ts);
  if (!message) return null;
  for (const found of message.blocks || []) {
    const block: Block = found || {};
    const candidates: Array<BlockElement | undefined> =
      block.type === 'actions'
        ? (block as ActionsBlock).elements || []
        : block.type === 'section'
          ? [(block as SectionBlock).accessory]
          : [];
    for (const element of candidates) {
      if (element && element.action_id === actionId) return { element, block };
    }
  }
  return null;
}
