// A new buyer message: a short tone (Web Audio, no file to load) and the count in the tab's
// title while the tab is hidden. Muting is remembered in localStorage.

const MUTE_KEY = "sb.muted";

export function isMuted(): boolean {
  return localStorage.getItem(MUTE_KEY) === "1";
}

export function setMuted(muted: boolean): void {
  localStorage.setItem(MUTE_KEY, muted ? "1" : "0");
}

let audio: AudioContext | null = null;

export function ring(): void {
  if (isMuted()) return;
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.3);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.3);
  } catch {
    // no audio device or not allowed before a user gesture: the title still tells
  }
}

/** The tab title with `unseen` new messages (0: the plain title). */
export function titleWith(unseen: number, base: string, format: (n: number) => string): string {
  return unseen > 0 ? `${format(unseen)} · ${base}` : base;
}
