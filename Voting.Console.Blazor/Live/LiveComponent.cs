using Microsoft.AspNetCore.Components;

namespace Voting.Console.Blazor.Live;

/// <summary>A page or component that shows a <see cref="LiveBoard{T}"/> and re-renders whenever it changes.</summary>
public abstract class LiveComponent<T> : ComponentBase, IDisposable
    where T : class
{
    [Inject]
    public required LiveBoard<T> Board { get; set; }

    protected override void OnInitialized() => Board.Changed += OnBoardChanged;

    private void OnBoardChanged() => _ = InvokeAsync(StateHasChanged);

    private readonly CancellationTokenSource disposed = new();

    /// <summary>Cancelled when the component goes away: for work it started that should stop with it.</summary>
    protected CancellationToken Disposed => disposed.Token;

    public void Dispose()
    {
        Board.Changed -= OnBoardChanged;
        disposed.Cancel(); // not disposed: work still winding down may ask whether it was cancelled
        GC.SuppressFinalize(this);
    }
}
