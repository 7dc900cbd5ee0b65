/**
 * Emoji shortcodes for the sandbox web page: `:rocket:` → 🚀.
 *
 * The table is GitHub's (the `gemoji` package: ~1,900 names, no dependencies, data only), which
 * shares almost every common name with Slack's. Slack spells a few often-used ones differently
 * (`:large_yellow_circle:`, `:thinking_face:`, `:skin-tone-2:` …); those are added below so a
 * runbook written for real Slack looks the same here.
 */
import { gemoji } from 'gemoji';

/** Slack names that GitHub's table lacks, for emoji people actually use in status messages. */
export const SLACK_ONLY: Readonly<Record<string, string>> = {
  large_green_circle: '🟢',
  large_yellow_circle: '🟡',
  large_orange_circle: '🟠',
  large_purple_circle: '🟣',
  large_brown_circle: '🟤',
  large_red_square: '🟥',
  large_blue_square: '🟦',
  large_orange_square: '🟧',
  large_yellow_square: '🟨',
  large_green_square: '🟩',
  large_purple_square: '🟪',
  large_brown_square: '🟫',
  thinking_face: '🤔',
  robot_face: '🤖',
  hugging_face: '🤗',
  face_with_rolling_eyes: '🙄',
  face_with_monocle: '🧐',
  rolling_on_the_floor_laughing: '🤣',
  'star-struck': '🤩',
  face_palm: '🤦',
  'man-shrugging': '🤷‍♂️',
  'woman-shrugging': '🤷‍♀️',
  'male-technologist': '👨‍💻',
  'female-technologist': '👩‍💻',
  hand_with_index_and_middle_fingers_crossed: '🤞',
  the_horns: '🤘',
  'spock-hand': '🖖',
  octagonal_sign: '🛑',
  satellite_antenna: '📡',
  spiral_calendar_pad: '🗓️',
  spiral_note_pad: '🗒️',
  linked_paperclips: '🖇️',
  compression: '🗜️',
  double_vertical_bar: '⏸️',
  black_square_for_stop: '⏹️',
  black_right_pointing_double_triangle_with_vertical_bar: '⏭️',
  radioactive_sign: '☢️',
  biohazard_sign: '☣️',
  scales: '⚖️',
  first_place_medal: '🥇',
  second_place_medal: '🥈',
  third_place_medal: '🥉',
  sports_medal: '🏅',
  lightning: '🌩️',
  rain_cloud: '🌧️',
  mostly_sunny: '🌤️',
  'skin-tone-2': '🏻',
  'skin-tone-3': '🏼',
  'skin-tone-4': '🏽',
  'skin-tone-5': '🏾',
  'skin-tone-6': '🏿',
};

/**
 * Every shortcode the page knows, name → emoji. Built on call (not at import) so importing the
 * web module costs nothing until a page is served.
 */
export function emojiTable(): Record<string, string> {
  const table: Record<string, string> = {};
  for (const e of gemoji) for (const name of e.names) table[name] = e.emoji;
  return Object.assign(table, SLACK_ONLY);
}
