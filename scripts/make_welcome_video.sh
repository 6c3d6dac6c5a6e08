#!/usr/bin/env bash
# Regenerate trainer_bot/assets/welcome_video_note.mp4: the "AI trainer" video note
# ("кружок") that the bot sends on /start, before the greeting.
#
# Uses ffmpeg alone: an animated gradient background, a coach emblem (a dumbbell in a
# badge with ripples) drawn with filters, three Russian captions that appear in turn,
# and a short synth jingle.
#
# Telegram shows video notes as a circle inscribed in the square, so everything
# important stays inside the central circle.
#
# Usage: scripts/make_welcome_video.sh [output.mp4]
# Env:   FONT=/path/to/font.ttf to force a font (must have Cyrillic glyphs).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_ROOT="$(dirname "$SCRIPT_DIR")"
OUTPUT="${1:-$PROJECT_ROOT/trainer_bot/assets/welcome_video_note.mp4}"

SIZE=384          # Telegram video notes are square; 384 is plenty for a small circle.
DURATION=7        # seconds
FPS=30

die() {
    echo "make_welcome_video: $*" >&2
    exit 1
}

command -v ffmpeg >/dev/null 2>&1 || die "ffmpeg not found (apt-get install -y ffmpeg)"

find_font() {
    local candidate
    if [[ -n "${FONT:-}" ]]; then
        [[ -f "$FONT" ]] || die "FONT=$FONT does not exist"
        echo "$FONT"
        return
    fi
    for candidate in \
        /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf \
        /usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf \
        /usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf \
        /usr/share/fonts/truetype/freefont/FreeSansBold.ttf \
        /usr/share/fonts/truetype/noto/NotoSans-Bold.ttf \
        /usr/share/fonts/TTF/DejaVuSans-Bold.ttf \
        /Library/Fonts/Arial\ Bold.ttf; do
        if [[ -f "$candidate" ]]; then
            echo "$candidate"
            return
        fi
    done
    # Last resort: ask fontconfig for any bold font that covers Russian.
    if command -v fc-match >/dev/null 2>&1; then
        candidate="$(fc-match -f '%{file}' 'sans:bold:lang=ru' 2>/dev/null || true)"
        if [[ -n "$candidate" && -f "$candidate" ]]; then
            echo "$candidate"
            return
        fi
    fi
    die "no TrueType font with Cyrillic found; install fonts-dejavu-core or set FONT=/path/to/font.ttf"
}

FONT_PATH="$(find_font)"

WORK_DIR="$(mktemp -d)"
trap 'rm -rf "$WORK_DIR"' EXIT

# Font and captions go into the work dir under plain names, so no path or caption
# text ever needs filtergraph escaping (quotes, colons, «», ! are all safe this way).
cp "$FONT_PATH" "$WORK_DIR/font.ttf"
printf '%s' 'Привет!' >"$WORK_DIR/hello.txt"
printf '%s' 'Я твой AI‑тренер' >"$WORK_DIR/trainer.txt"
printf '%s' 'Составлю тренировку' >"$WORK_DIR/plan1.txt"
printf '%s' 'под тебя' >"$WORK_DIR/plan2.txt"
printf '%s' 'Жми «Начать»' >"$WORK_DIR/start.txt"
printf '%s' '↓' >"$WORK_DIR/arrow.txt"

# Opacity of a caption shown from $1 to $2 seconds, with 0.35 s fades.
show() {
    echo "clip(min((t-$1)/0.35,($2-t)/0.35),0,1)"
}
# Vertical position that slides up by 14 px while the caption fades in at $2.
slide() {
    echo "$1+14*clip(1-(t-$2)/0.35,0,1)"
}

# The emblem: an orange badge with a white rim and a white dumbbell (static, so it is
# rendered once and looped), over soft ripples spreading from it. geq expressions keep
# the distance from the centre in register 0 (st/ld) instead of recomputing it.
# E = emblem layer size, C = its centre.
E=200
C=100
FRAMES=$((DURATION * FPS))
box() { # box x0 x1 y0 y1 -> 1 inside the rectangle
    echo "between(X,$1,$2)*between(Y,$3,$4)"
}
DUMBBELL="min(1,$(box 68 132 96 104)+$(box 72 83 78 122)+$(box 117 128 78 122)+$(box 62 70 86 114)+$(box 130 138 86 114))"
DIST="st(0,hypot(X-$C,Y-$C))"
BADGE="clip(52.5-ld(0),0,1)"                   # filled disc, r = 52
WHITE="max(clip(ld(0)-47.5,0,1),$DUMBBELL)"    # white rim (r 48..52) and dumbbell
# A ripple every 1.6 s, its radius growing 52 -> 97 while it fades out.
RIPPLE="st(1,mod(T,1.6)/1.6);150*clip(1-abs(ld(0)-52-45*ld(1))/3,0,1)*(1-ld(1))"

cat >"$WORK_DIR/graph.txt" <<EOF
gradients=s=${SIZE}x${SIZE}:r=${FPS}:d=${DURATION}:n=3:c0=0x16222a:c1=0x233f6b:c2=0x2b6e7a:speed=0.03:seed=7,
format=yuv420p,vignette=angle=PI/5[bg];
color=c=black@0:s=${E}x${E}:r=${FPS}:d=${DURATION},format=rgba,
geq=r='255':g='205':b='160':a='${DIST};${RIPPLE}'[ripple];
color=c=black@0:s=${E}x${E}:r=${FPS}:d=1,format=rgba,trim=end_frame=1,
geq=r='${DIST};255':
g='${DIST};255*${WHITE}+(105+55*(1-Y/${E}))*(1-${WHITE})':
b='${DIST};255*${WHITE}+25*(1-${WHITE})':
a='${DIST};255*${BADGE}',
loop=loop=$((FRAMES - 1)):size=1,setpts=N/${FPS}/TB[badge];
[ripple][badge]overlay=format=auto,fade=t=in:st=0:d=0.6:alpha=1[emblem];
[bg][emblem]overlay=x=(W-w)/2:y='8+5*sin(2*PI*t/1.8)':eval=frame:format=auto,
drawtext=fontfile=font.ttf:textfile=hello.txt:fontsize=40:fontcolor=white:
shadowcolor=black@0.6:shadowx=2:shadowy=2:x=(w-text_w)/2:y='$(slide 212 0.4)':alpha='$(show 0.4 2.7)',
drawtext=fontfile=font.ttf:textfile=trainer.txt:fontsize=26:fontcolor=0xffd27f:
shadowcolor=black@0.6:shadowx=2:shadowy=2:x=(w-text_w)/2:y='$(slide 264 0.8)':alpha='$(show 0.8 2.7)',
drawtext=fontfile=font.ttf:textfile=plan1.txt:fontsize=25:fontcolor=white:
shadowcolor=black@0.6:shadowx=2:shadowy=2:x=(w-text_w)/2:y='$(slide 222 2.9)':alpha='$(show 2.9 4.9)',
drawtext=fontfile=font.ttf:textfile=plan2.txt:fontsize=26:fontcolor=0xffd27f:
shadowcolor=black@0.6:shadowx=2:shadowy=2:x=(w-text_w)/2:y='$(slide 262 3.2)':alpha='$(show 3.2 4.9)',
drawtext=fontfile=font.ttf:textfile=start.txt:fontsize=30:fontcolor=white:
box=1:boxcolor=0xff7a18:boxborderw=14:x=(w-text_w)/2:y='$(slide 228 5.1)':alpha='$(show 5.1 7.5)',
drawtext=fontfile=font.ttf:textfile=arrow.txt:fontsize=34:fontcolor=white:
x=(w-text_w)/2:y='292+6*abs(sin(2*PI*t/0.9))':alpha='$(show 5.5 7.5)',
fade=t=out:st=$((DURATION - 1)).6:d=0.4,format=yuv420p[v]
EOF

# A soft jingle: a bell-like major arpeggio (C5 E5 G5 C6) at the start, a second one
# (G4 C5 E5 G5) on "Жми «Начать»", over a quiet pad. Each note: a sine with a weak
# octave overtone and an exponential decay.
note() { # note START FREQ
    echo "gte(t,$1)*exp(-3.2*(t-$1))*(sin(2*PI*$2*(t-$1))+0.25*sin(4*PI*$2*(t-$1)))"
}
PAD="0.18*(sin(2*PI*261.63*t)+sin(2*PI*329.63*t)+0.7*sin(2*PI*392*t))*min(t/1.2,1)"
JINGLE="$(note 0.05 523.25)+$(note 0.25 659.25)+$(note 0.45 783.99)+$(note 0.65 1046.5)"
JINGLE="$JINGLE+$(note 5.1 392)+$(note 5.25 523.25)+$(note 5.4 659.25)+$(note 5.55 783.99)"

cat >>"$WORK_DIR/graph.txt" <<EOF
;
aevalsrc=exprs='0.16*(${JINGLE}+${PAD})':s=48000:d=${DURATION},
afade=t=in:st=0:d=0.05,afade=t=out:st=$((DURATION - 1)):d=1,
lowpass=f=6000,aformat=channel_layouts=mono[a]
EOF

mkdir -p "$(dirname "$OUTPUT")"
# drawtext resolves font.ttf and *.txt relative to the working directory.
(
    cd "$WORK_DIR"
    ffmpeg -hide_banner -loglevel error -y \
        -filter_complex_script graph.txt -map '[v]' -map '[a]' \
        -c:v libx264 -preset slow -profile:v main -pix_fmt yuv420p -crf 26 \
        -maxrate 700k -bufsize 1400k -g $((FPS * 2)) \
        -c:a aac -b:a 64k -ar 48000 -ac 1 \
        -t "$DURATION" -movflags +faststart "$WORK_DIR/out.mp4"
)
mv "$WORK_DIR/out.mp4" "$OUTPUT"

if command -v ffprobe >/dev/null 2>&1; then
    ffprobe -v error -show_entries format=duration,size:stream=codec_name,width,height \
        -of compact=p=0 "$OUTPUT"
fi
echo "font: $FONT_PATH"
echo "wrote $OUTPUT ($(stat -c %s "$OUTPUT") bytes)"
