namespace Ranvier.Server.Services.ToDevice;

/// <summary>
/// What this process knows of each device's messages that went out in a response and wait for the client to
/// acknowledge them (by syncing from that response's token), so that a sync of a device with nothing out asks the
/// store nothing. A device not seen since the process started is unknown until its first acknowledgement has read
/// the store. Updates are versioned: an acknowledgement that raced a delivery leaves the state to that delivery.
/// </summary>
internal sealed class DeliveredMessages
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string UserId, string DeviceId), Inbox> _inboxes = [];

    /// <summary>The device's state, created unknown on first use.</summary>
    public Inbox Of(string userId, string deviceId)
    {
        lock (_gate)
        {
            if (!_inboxes.TryGetValue((userId, deviceId), out var inbox))
            {
                inbox = new Inbox(_gate);
                _inboxes.Add((userId, deviceId), inbox);
            }

            return inbox;
        }
    }

    /// <summary>What an acknowledgement saw before reading the store.</summary>
    public readonly record struct Seen(bool Known, long Mark, long Version);

    /// <summary>One device. <c>Mark</c>: the highest response position that carried a message still out (0: none).</summary>
    public sealed class Inbox(Lock gate)
    {
        private bool _known;
        private long _mark;
        private long _version;

        /// <summary>False when the device is known to have no message out (nothing to acknowledge).</summary>
        public bool MayAwaitAcknowledgement(out Seen seen)
        {
            lock (gate)
            {
                seen = new Seen(_known, _mark, _version);
                return !_known || _mark > 0;
            }
        }

        /// <summary>After the acknowledgement: <paramref name="highestMark"/> is what is still out (0: nothing).</summary>
        public void Acknowledged(Seen seen, long highestMark)
        {
            lock (gate)
            {
                if (_version == seen.Version)
                {
                    _known = true;
                    _mark = highestMark;
                }
            }
        }

        /// <summary>Before messages are marked as carried: any acknowledgement in flight no longer decides.</summary>
        public void Delivering()
        {
            lock (gate)
            {
                _version++;
            }
        }

        /// <summary>Messages were marked as carried by the response at <paramref name="upto"/>.</summary>
        public void Delivered(long upto)
        {
            lock (gate)
            {
                _mark = Math.Max(_mark, upto);
                _version++;
            }
        }
    }
}
