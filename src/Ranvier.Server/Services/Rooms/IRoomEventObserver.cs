using Ranvier.Protocol.Events;

namespace Ranvier.Server.Services.Rooms;

/// <summary>
/// Part of the pipeline's "notify" step (docs/ARCHITECTURE.md): told of every accepted room event after it is
/// persisted and its stream position announced. Runs on the writer's path, so it must be quick and must not throw.
/// Register with <c>.AddSingleton&lt;IRoomEventObserver, …&gt;()</c>.
/// </summary>
public interface IRoomEventObserver
{
    void OnPersisted(Pdu pdu);
}
