// The inbox's live feed: events into the reducer, a reset refetches, new buyer messages ring
// and count in the tab title while the tab is hidden.

import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { LiveStream, type LiveStatus } from "../live/stream";
import { ring, titleWith } from "../notify";
import { useSession } from "../session";
import { type Action, isNewBuyerMessage } from "./state";

export function useLive(dispatch: (a: Action) => void, openId: string | null): LiveStatus {
  const { t, errorText } = useSession();
  const [status, setStatus] = useState<LiveStatus>("connecting");
  const unseen = useRef(0);
  const open = useRef(openId);
  open.current = openId;
  const base = "Switchboard";

  useEffect(() => {
    const seen = () => {
      if (document.visibilityState === "visible") {
        unseen.current = 0;
        document.title = base;
      }
    };
    document.addEventListener("visibilitychange", seen);
    const stream = new LiveStream({
      event(e) {
        dispatch({ type: "live", event: e });
        if (!isNewBuyerMessage(e)) return;
        ring();
        if (document.visibilityState === "visible" && e.conversation.id === open.current) {
          // Read where it is shown; the answer's conversation carries unread_count 0.
          api.post(`/v1/conversations/${e.conversation.id}/read`).catch(() => undefined);
        } else if (document.visibilityState !== "visible") {
          unseen.current += 1;
          document.title = titleWith(unseen.current, base, (n) => t("newMessageTitle", { n }));
        }
      },
      reset: () => dispatch({ type: "reset" }),
      status: setStatus,
      ended: () => { api.get("/v1/auth/me").catch((err) => errorText(err)); },
    });
    stream.start();
    return () => {
      stream.stop();
      document.removeEventListener("visibilitychange", seen);
    };
  }, []);
  return status;
}
