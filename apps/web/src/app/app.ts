import { Component } from '@angular/core';
import { Shell } from '@act/web/shell';

@Component({
  selector: 'act-root',
  imports: [Shell],
  template: '<act-shell />',
})
export class App {}
