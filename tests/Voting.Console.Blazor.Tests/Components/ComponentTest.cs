using Bunit;
using MudBlazor.Services;

namespace Voting.Console.Blazor.Tests.Components;

/// <summary>A bUnit context with MudBlazor's services, disposed asynchronously (MudBlazor's services are async-only).</summary>
public abstract class ComponentTest : IAsyncLifetime
{
    protected ComponentTest()
    {
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
    }

    protected BunitContext Context { get; } = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Context.DisposeAsync();
}
