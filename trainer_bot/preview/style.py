"""The page's stylesheet: a Telegram-like chat at phone width, nothing loaded from outside.

Emoji come from the system's emoji font (no web fonts, so the page works offline): the
font stack ends with the colour emoji fonts of Linux, macOS and Windows.
"""

PHONE_WIDTH_PX = 380
EMOJI_FONTS = '"Noto Color Emoji", "Apple Color Emoji", "Segoe UI Emoji", sans-serif'

CSS = f"""
:root {{
  --phone-width: {PHONE_WIDTH_PX}px;
  --text-font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial;
  --accent: #3390ec;
}}
* {{ box-sizing: border-box; }}
body {{
  margin: 0; background: #f3f4f6; color: #1f2933;
  font-family: var(--text-font), {EMOJI_FONTS};
}}
.page-head {{ padding: 28px 40px 8px; max-width: 1200px; }}
h1 {{ margin: 0 0 8px; font-size: 28px; }}
.lead {{ margin: 0 0 14px; color: #52606d; line-height: 1.45; max-width: 820px; }}
.toc {{ display: flex; flex-wrap: wrap; gap: 8px; }}
.toc a {{
  padding: 5px 12px; border-radius: 16px; background: #fff; color: #2563eb;
  text-decoration: none; border: 1px solid #d9e2ec; font-size: 14px;
}}
section {{ padding: 12px 40px 28px; }}
h2 {{ margin: 18px 0 4px; font-size: 22px; }}
.intro {{ margin: 0 0 16px; color: #52606d; max-width: 820px; }}
.board {{ display: flex; flex-wrap: wrap; gap: 28px; align-items: flex-start; }}
.scene {{ margin: 0; width: var(--phone-width); }}
.scene figcaption {{ margin-bottom: 8px; min-height: 58px; }}
.scene .number {{
  display: inline-block; min-width: 24px; margin-right: 6px; padding: 1px 6px;
  border-radius: 10px; background: #334e68; color: #fff; font-size: 12px; text-align: center;
}}
.scene .caption {{ font-weight: 600; font-size: 15px; }}
.scene .note {{ display: block; margin-top: 3px; color: #627d98; font-size: 13px; }}
.phone {{
  width: var(--phone-width); border-radius: 22px; overflow: hidden;
  border: 6px solid #1f2933; background: #1f2933;
  box-shadow: 0 6px 18px rgba(15, 23, 42, 0.18);
}}
.topbar {{
  display: flex; align-items: center; gap: 10px; padding: 8px 12px;
  background: #fff; border-bottom: 1px solid #e4e7eb;
}}
.avatar {{
  width: 36px; height: 36px; border-radius: 50%; display: flex; align-items: center;
  justify-content: center; background: linear-gradient(#72d5fd, #2a9ef1);
  color: #fff; font-weight: 700; font-size: 14px;
}}
.topbar .title {{ font-weight: 600; font-size: 15px; line-height: 1.15; }}
.topbar small {{ display: block; font-weight: 400; color: #8a96a3; font-size: 12px; }}
.chat {{
  position: relative; padding: 12px 8px 10px; min-height: 240px;
  background: linear-gradient(160deg, #d4e4bc 0%, #b9d3a3 55%, #a9c995 100%);
  display: flex; flex-direction: column; justify-content: flex-end; gap: 6px;
}}
/* Room above the messages, so the toast covers the wallpaper, not the text. */
.chat.with-toast {{ padding-top: 84px; }}
.msg {{
  max-width: 92%; padding: 6px 10px 7px; border-radius: 12px; font-size: 15px;
  line-height: 1.35; box-shadow: 0 1px 1px rgba(0, 0, 0, 0.12);
  overflow-wrap: anywhere;
}}
.reply {{
  align-self: flex-start; max-width: 92%; display: flex; flex-direction: column; gap: 4px;
}}
.reply:has(.keyboard) {{ width: 92%; }}
.reply .msg {{ max-width: 100%; }}
.msg.in {{ align-self: flex-start; background: #fff; border-bottom-left-radius: 4px; }}
.reply:has(.keyboard) .msg.in {{ align-self: stretch; }}
.msg.out {{ align-self: flex-end; background: #effdde; border-bottom-right-radius: 4px; }}
.msg .text {{ white-space: pre-wrap; }}
.msg a {{ color: var(--accent); text-decoration: none; }}
.msg blockquote {{
  margin: 2px 0; padding: 2px 8px; border-left: 3px solid var(--accent);
  background: #eef6fd; border-radius: 4px;
}}
.msg code, .msg pre {{ font-family: ui-monospace, "DejaVu Sans Mono", monospace; }}
.link-preview {{
  margin-bottom: 6px; padding: 4px 8px; border-left: 3px solid var(--accent);
  background: #eef6fd; border-radius: 4px; font-size: 13px; color: var(--accent);
  overflow-wrap: anywhere;
}}
.keyboard {{ display: flex; flex-direction: column; gap: 4px; }}
.keyboard .row {{ display: flex; gap: 4px; }}
.keyboard .button {{
  position: relative; flex: 1 1 0; min-width: 0; padding: 8px 10px; border-radius: 8px;
  background: rgba(72, 104, 60, 0.38); color: #fff; font-size: 14px; font-weight: 500;
  text-align: center; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
}}
.keyboard .button.url::after {{
  content: "↗"; position: absolute; top: 2px; right: 5px; font-size: 10px;
}}
.video-note {{
  align-self: flex-start; width: 180px; height: 180px; border-radius: 50%;
  background: radial-gradient(circle at 35% 30%, #7a8fa6, #2f3e4e);
  display: flex; align-items: center; justify-content: center; flex-direction: column;
  color: #fff; font-size: 13px; gap: 6px; box-shadow: 0 1px 2px rgba(0, 0, 0, 0.2);
}}
.video-note .play {{ font-size: 30px; line-height: 1; }}
.toast {{
  position: absolute; top: 10px; left: 50%; transform: translateX(-50%); z-index: 2;
  width: max-content; max-width: 86%; padding: 10px 16px; border-radius: 10px;
  background: rgba(32, 38, 45, 0.88); color: #fff; font-size: 14px; line-height: 1.35;
  text-align: center; box-shadow: 0 4px 14px rgba(0, 0, 0, 0.3);
}}
.toast-label {{
  display: block; font-size: 11px; color: #b8c4d0; margin-bottom: 2px;
  text-transform: uppercase; letter-spacing: 0.04em;
}}
.meter {{ margin: 8px 2px 0; font-size: 12px; color: #627d98; }}
.meter .bar {{
  height: 4px; margin-top: 4px; border-radius: 2px; background: #d9e2ec; overflow: hidden;
}}
.meter .bar span {{ display: block; height: 100%; background: #3ebd93; }}
.meter.near .bar span {{ background: #f0b429; }}
.meter.near {{ color: #8d5b00; }}
.diagram img {{
  max-width: 100%; background: #fff; border: 1px solid #d9e2ec; border-radius: 8px;
}}
.legend {{ display: flex; flex-wrap: wrap; gap: 18px; margin: 0 0 12px; font-size: 14px; }}
.legend i {{
  display: inline-block; width: 26px; height: 0; margin-right: 6px; vertical-align: middle;
  border-top: 3px solid;
}}
.legend i.dashed {{ border-top-style: dashed; }}
"""
