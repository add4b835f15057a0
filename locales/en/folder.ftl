# Messages about the OQS folder (the qualification terminal's shared folder:
# req, res, face): settings, waiting for answers, card-reader results (face),
# and the training terminal's simulated card tap.

folder-settings-title = Qualification terminal (OQS folder)
folder-settings-path = OQS folder
folder-settings-path-help = The qualification terminal's shared folder (e.g. \\terminal\OQS), the one holding the req, res and face folders.
folder-settings-institution-code = Medical institution code (10 digits)
folder-settings-timeout = Time to wait for an answer (seconds)
folder-settings-archive = Where handled files are kept
folder-settings-archive-help = When empty, in the archive folder inside the OQS folder. Files that could not be read stay in archive/failed.
folder-missing = The OQS folder “{ $path }” cannot be found. Check that the qualification terminal's shared folder is connected.
folder-not-writable = Cannot write into the OQS folder “{ $path }” ({ $detail }).
folder-timeout = The qualification terminal did not answer within { $seconds } seconds ({ $path }). Check that its connection application is running.
folder-bad-response = The qualification terminal's answer “{ $file }” could not be read. The file is kept in archive/failed.
folder-batch-two-step = The qualification terminal only returned a reception number for the batch. The two-step batch check (fetching by reception number) is not supported yet.
folder-face-watching = Waiting for card-reader results ({ $path }).
folder-face-received = Card-reader result received ({ $file }).
folder-face-error = The card-reader result file “{ $file }” could not be read.
folder-training-terminal = Training qualification terminal
folder-tap-button = Simulate a card tap
folder-tap-done = Placed the card-tap result ({ $file }).
folder-tap-failed = Could not simulate a card tap ({ $detail }).
folder-ingest-none = There are no card-reader results to take in.
folder-ingest-count = { $count ->
    [1] Took in one card-reader result.
   *[other] Took in { $count } card-reader results.
}
