using Microsoft.Playwright;
using Xunit;

[assembly: AssemblyFixture(typeof(Timeline.Browser.PageFixture))]

namespace Timeline.Browser;

/// <summary>One service and one Chromium for the whole run; each test opens its own browser context.</summary>
public sealed class PageFixture : IAsyncLifetime
{
    /// <summary>Debian's Chromium: Playwright's own browser download cannot work offline.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    // Running as root (CI, containers) Chromium's sandbox cannot start; the rest keeps it quiet and offline.
    private static readonly string[] LaunchArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
    ];

    private IPlaywright? _playwright;

    public ServiceHost Service { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath)) throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install -y chromium (.ci/run does).");
        // Generous waits for the page to show what it should; a loaded shared machine is slow, never wrong.
        Assertions.SetDefaultExpectTimeout(30_000);
        var service = ServiceHost.StartAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = LaunchArgs,
        });
        Service = await service;
    }

    public async Task<IPage> OpenAsync(string path)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Service.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            TimezoneId = "UTC",
            Locale = "en-GB",
        });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Service is not null) await Service.DisposeAsync();
    }
}
