// The only script a page ships: it reads the member hint cookie (a tier name, never a token; set and
// cleared with the session by src/core/http/member-hint.ts) and marks <html data-signed-in data-member>,
// so CSS hides "Sign in", "Join" and the join prompts, and it writes the tier name into the header.
// Kept in this one constant so the security headers can allow it by its hash. Without scripts, or
// without the cookie, the page stays generic and correct.

export const MEMBER_HINT_SCRIPT =
  "(function(){var m=document.cookie.match(/(?:^|;\\s*)(?:__Host-)?truefans-member=([^;]+)/);if(!m)return;var t;try{t=decodeURIComponent(m[1])}catch(e){return}" +
  "var d=document.documentElement;d.setAttribute('data-signed-in','');if(t==='-')return;d.setAttribute('data-member','');" +
  "document.addEventListener('DOMContentLoaded',function(){var l=document.querySelectorAll('[data-member-tier]');for(var i=0;i<l.length;i++)l[i].textContent=t})})();";
