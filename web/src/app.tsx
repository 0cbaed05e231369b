import { useEffect, useMemo, useState } from "preact/hooks";
import { api, ApiError } from "./api";
import { CannedScreen } from "./canned/CannedScreen";
import { storedLang, storeLang, translator, type Key, type Lang } from "./i18n";
import { Inbox } from "./inbox/Inbox";
import { Icon } from "./icons";
import { isMuted, setMuted } from "./notify";
import { linkClick, navigate, usePath } from "./router";
import { AgentScreen } from "./agent/AgentScreen";
import { Channels } from "./screens/Channels";
import { Integrations } from "./screens/Integrations";
import { Login } from "./screens/Login";
import { Reports } from "./screens/Reports";
import { SetPassword } from "./screens/SetPassword";
import { Team } from "./screens/Team";
import { describeError, SessionContext, type Session } from "./session";
import type { Me } from "./types";

const NAV: [string, Key][] = [["/inbox", "navInbox"], ["/channels", "navChannels"], ["/ai", "navAi"], ["/reports", "navReports"], ["/canned", "navCanned"], ["/team", "navTeam"]];
// Screens for those who hold a scope (an agent does not set up integrations).
const NAV_SCOPED: [string, Key, string][] = [["/integrations", "navIntegrations", "admin"]];
// The pages of one-time links (team invitations, password resets): shown signed in or not.
const LINK_PAGES = ["/invite/", "/reset-password/"];

export function App() {
  const path = usePath();
  const [lang, setLangState] = useState<Lang>(() => storedLang(localStorage));
  const t = useMemo(() => translator(lang), [lang]);
  const [me, setMe] = useState<Me | null | undefined>(undefined); // undefined: still asking
  const [error, setError] = useState("");

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  useEffect(() => {
    api.get<Me>("/v1/auth/me").then(setMe, (err) => {
      if (err instanceof ApiError && err.status === 401) setMe(null);
      else setError(describeError(err, t));
    });
  }, []);

  const linkPage = LINK_PAGES.some((p) => path.startsWith(p));
  useEffect(() => {
    if (linkPage) return;
    if (me === null && path !== "/login") navigate("/login", true);
    if (me && (path === "/login" || path === "/")) navigate("/inbox", true);
  }, [me, path]);

  const setLang = (l: Lang) => {
    storeLang(localStorage, l);
    setLangState(l);
  };

  if (linkPage) {
    const reload = () => api.get<Me>("/v1/auth/me").then(setMe, () => setMe(null));
    return <SetPassword t={t} path={path} onDone={() => void reload()} />;
  }
  if (error) return <p class="fatal" role="alert">{error}</p>;
  if (me === undefined) return <p class="loading" aria-busy="true">{t("loading")}</p>;
  if (me === null) return <Login t={t} lang={lang} setLang={setLang} onSignedIn={setMe} />;

  const session: Session = {
    me, t, lang, setLang,
    async signOut() {
      await api.post("/v1/auth/logout").catch(() => undefined);
      setMe(null);
    },
    errorText(err) {
      if (err instanceof ApiError && err.status === 401) setMe(null);
      return describeError(err, t);
    },
  };
  const section = "/" + (path.split("/")[1] ?? "");
  return (
    <SessionContext.Provider value={session}>
      <div class="shell">
        <header class="topbar">
          <strong class="brand">{t("appName")}</strong>
          <nav aria-label={t("appName")}>
            {[...NAV, ...NAV_SCOPED.filter(([, , scope]) => me.scopes.includes(scope))].map(([href, key]) => (
              <a href={href} aria-current={section === href ? "page" : undefined}
                onClick={(e) => linkClick(e, href)}>{t(key)}</a>
            ))}
          </nav>
          <UserMenu />
        </header>
        <main class="content">
          {section === "/inbox" ? <Inbox path={path} />
            : section === "/channels" ? <Channels />
            : section === "/ai" ? <AgentScreen />
            : section === "/team" ? <Team />
            : section === "/canned" ? <CannedScreen />
            : section === "/reports" ? <Reports />
            : section === "/integrations" ? <Integrations />
            : <p>{t("notFound")}</p>}
        </main>
      </div>
    </SessionContext.Provider>
  );
}

function UserMenu() {
  const [muted, setMutedState] = useState(isMuted);
  return (
    <SessionContext.Consumer>
      {(s) => s && (
        <div class="user">
          <span class="who" data-testid="whoami">
            {s.t("role")}: <b>{s.me.role ? s.t(`role_${s.me.role}` as Key) : s.me.kind}</b>
          </span>
          <label class="lang">
            <span class="sr-only">{s.t("language")}</span>
            <select value={s.lang} onChange={(e) => s.setLang((e.currentTarget.value as Lang))}>
              <option value="ru">RU</option>
              <option value="en">EN</option>
            </select>
          </label>
          <button type="button" class="secondary" aria-pressed={muted}
            onClick={() => { setMuted(!muted); setMutedState(!muted); }}>
            <Icon name={muted ? "bellOff" : "bell"} /><span class="sr-only">{muted ? s.t("unmute") : s.t("mute")}</span>
          </button>
          <button type="button" onClick={() => void s.signOut()}>{s.t("signOut")}</button>
        </div>
      )}
    </SessionContext.Consumer>
  );
}
