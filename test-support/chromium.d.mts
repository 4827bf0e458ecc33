/** The Chromium executable the browser tests launch (CHROMIUM_PATH, else /usr/bin/chromium). */
export declare const chromiumPath: string;
/** Whether that executable exists. */
export declare function hasChromium(): boolean;
/** Command-line flags for headless Chromium; `gpu` adds the software WebGL2/WebGPU flags. */
export declare function chromiumArgs(options?: { gpu?: boolean }): string[];
/** Options for playwright-core's `chromium.launch`: executable, flags and start-up timeout (180 s by default). */
export declare function chromiumLaunchOptions(options?: { gpu?: boolean; timeout?: number }): {
  timeout: number;
  executablePath: string;
  args: string[];
};
