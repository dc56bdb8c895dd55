// The web page at /, embedded in the binary: Bun inlines a `type: "text"` import at build
// time. One HTML file with its CSS and script, no CDN, no other asset. (bun-types declares
// every .html import as an HTMLBundle, the dev server's kind; with type "text" it is the
// file's text.)

import html from "./page.html" with { type: "text" };

export const PAGE_HTML = html as unknown as string;
