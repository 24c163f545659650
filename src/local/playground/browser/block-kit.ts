/**
 * Block Kit as the page reads it from the state: the fields it renders, every one of them possibly missing.
 * A block's `type` says which of these shapes it has; nothing else is checked before the page renders it.
 */
import type { Block } from '../state';

/** A text object; Slack also accepts a bare string in a few places. */
export interface TextObject {
  type?: string;
  text?: string;
  emoji?: boolean;
}

export type Text = TextObject | string;

/** Display names by user, bot and channel id, for mentions. */
export type Names = Record<string, string>;

export interface SlackFileRef {
  id?: string;
  url?: string;
}

export interface OptionObject {
  text?: Text;
  value?: string;
}

export interface ConfirmObject {
  title?: Text;
  text?: Text;
  confirm?: Text;
  deny?: Text;
  style?: string;
}

/** An element of an actions block, a section's accessory or an input block's input. */
export interface BlockElement {
  type?: string;
  action_id?: string;
  text?: Text;
  value?: string;
  url?: string;
  style?: string;
  confirm?: ConfirmObject;
  image_url?: string;
  alt_text?: string;
  slack_file?: SlackFileRef;
  placeholder?: TextObject;
  initial_value?: string;
  multiline?: boolean;
  max_length?: number;
  is_decimal_allowed?: boolean;
  options?: OptionObject[];
  initial_option?: OptionObject;
}

/** A context block's element: text, or an image. */
export interface ContextElement extends TextObject {
  image_url?: string;
  alt_text?: string;
  slack_file?: SlackFileRef;
}

/** The innermost part of rich text: a run of text, a link, a mention, an emoji or a date. */
export interface RichTextInline {
  type?: string;
  text?: string;
  url?: string;
  user_id?: string;
  channel_id?: string;
  range?: string;
  name?: string;
  fallback?: string;
  timestamp?: number | string;
  style?: { code?: boolean; bold?: boolean; italic?: boolean; strike?: boolean };
}

/** A section, preformatted run or quote of rich text; a list's items are sections too. */
export interface RichTextPart {
  type?: string;
  elements?: RichTextInline[];
}

/** A `rich_text_list`: its elements are the items. */
export interface RichTextList {
  type?: string;
  style?: string;
  elements?: RichTextPart[];
}

export interface HeaderBlock extends Block {
  text?: Text;
}

export interface SectionBlock extends Block {
  text?: Text;
  fields?: Text[];
  accessory?: BlockElement;
}

export interface ContextBlock extends Block {
  elements?: ContextElement[];
}

export interface ImageBlock extends Block {
  image_url?: string;
  slack_file?: SlackFileRef;
  alt_text?: string;
  title?: TextObject;
}

export interface ActionsBlock extends Block {
  elements?: BlockElement[];
}

export interface RichTextBlock extends Block {
  elements?: RichTextPart[];
}

export interface InputBlock extends Block {
  label?: Text;
  element?: BlockElement;
  optional?: boolean;
  hint?: Text;
}
